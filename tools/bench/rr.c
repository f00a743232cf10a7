// SPDX-License-Identifier: GPL-2.0
/*
 * rr: TCP request/response latency and connection rate, for `make bench`.
 *
 *   rr server PORT SECS         echo one byte per read until the peer
 *                               closes; accept again; exit after SECS
 *   rr rr HOST PORT SECS [WARM] one connection, 1-byte ping-pong for SECS:
 *                               prints "rr n=N p50_us=X p99_us=Y"
 *   rr crr HOST PORT SECS [WARM] connect, 1-byte ping-pong, close, for SECS:
 *                               prints "crr n=N per_s=X"
 *
 * WARM (0) seconds of the same work come first and are not measured: the
 * route, the card's flow table, the engines' and the scheduler's state
 * settle before the timed part starts.
 *
 * The crr client closes with SO_LINGER 0 (a reset) so that a few seconds at
 * thousands of connections per second do not run out of ephemeral ports in
 * TIME_WAIT; the card tracks the flow's setup and teardown all the same.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES (4u << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("TCP_NODELAY");
}

static int xconnect(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int fd, err;

	err = getaddrinfo(host, port, &hints, &ai);
	if (err) {
		fprintf(stderr, "rr: %s: %s\n", host, gai_strerror(err));
		exit(1);
	}
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, ai->ai_addr, ai->ai_addrlen))
		die("connect");
	freeaddrinfo(ai);
	nodelay(fd);
	return fd;
}

/* One request and its response: 0, or -1 when the peer went away */
static int ping(int fd)
{
	char c = 'r';

	if (write(fd, &c, 1) != 1)
		return -1;
	return read(fd, &c, 1) == 1 ? 0 : -1;
}

static void __attribute__((noreturn)) serve(const char *port, int secs)
{
	struct sockaddr_in6 sin6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(atoi(port)),
		.sin6_addr = IN6ADDR_ANY_INIT,
	};
	int lfd, fd, one = 1;
	char c;

	lfd = socket(AF_INET6, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin6, sizeof(sin6)) || listen(lfd, 1024))
		die("bind/listen");
	alarm(secs);	/* bounded: SIGALRM ends the server */
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		nodelay(fd);
		while (read(fd, &c, 1) == 1)
			if (write(fd, &c, 1) != 1)
				break;
		close(fd);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int rr(const char *host, const char *port, int secs, int warm)
{
	double *lat, t0, t, end;
	size_t n = 0;
	int i, fd;

	lat = malloc(MAX_SAMPLES * sizeof(*lat));
	if (!lat)
		die("malloc");
	fd = xconnect(host, port);
	/* at least 100 round trips, so that even WARM 0 leaves the first out */
	end = now() + warm;
	for (i = 0; i < 100 || now() < end; i++)
		if (ping(fd))
			die("warm-up");
	end = now() + secs;
	while (n < MAX_SAMPLES) {
		t0 = now();
		if (ping(fd))
			die("ping");
		t = now();
		lat[n++] = (t - t0) * 1e6;
		if (t >= end)
			break;
	}
	close(fd);
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("rr n=%zu p50_us=%.1f p99_us=%.1f\n", n, lat[n / 2], lat[n * 99 / 100]);
	free(lat);
	return 0;
}

/* One connection: connect, one request and its response, close (reset) */
static void cycle(const char *host, const char *port)
{
	struct linger lin = { .l_onoff = 1, .l_linger = 0 };
	int fd;

	fd = xconnect(host, port);
	if (ping(fd))
		die("ping");
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
	close(fd);
}

static int crr(const char *host, const char *port, int secs, int warm)
{
	double start, end;
	unsigned long n = 0;

	end = now() + warm;
	while (now() < end)
		cycle(host, port);
	start = now();
	end = start + secs;
	while (now() < end) {
		cycle(host, port);
		n++;
	}
	printf("crr n=%lu per_s=%.0f\n", n, n / (now() - start));
	return 0;
}

int main(int argc, char **argv)
{
	int warm = argc == 6 ? atoi(argv[5]) : 0;

	signal(SIGPIPE, SIG_IGN);
	if (argc == 4 && !strcmp(argv[1], "server"))
		serve(argv[2], atoi(argv[3]));
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "rr"))
		return rr(argv[2], argv[3], atoi(argv[4]), warm);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "crr"))
		return crr(argv[2], argv[3], atoi(argv[4]), warm);
	fprintf(stderr, "usage: rr server PORT SECS | rr rr|crr HOST PORT SECS [WARM]\n");
	return 2;
}
