// SPDX-License-Identifier: GPL-2.0
/*
 * The host socket of an offloaded connection. As kTLS swaps sk_prot and
 * proto_ops, the handoff swaps them for the connection's life: send and
 * receive only move bytes through the two rings the socket posts to its
 * engine (toe_conn.c), poll reads the engine's status, TCP_INFO reports the
 * engine's TCP. The host's TCP is made inert: its queues emptied, its
 * timers stopped, its keepalive and push paths unreachable, so that
 * nothing but the engine ever sends a segment of the connection.
 */

#include <asm/ioctls.h>
#include <linux/bvec.h>
#include <linux/sched/signal.h>
#include <linux/uio.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "mpnic.h"
#include "toe.h"

/* The swapped operations of one family, built from its first socket's */
struct mpnic_toe_ops {
	struct proto *base;
	const struct proto_ops *base_ops;
	struct proto prot;
	struct proto_ops ops;
};

static struct mpnic_toe_ops mpnic_toe_ops[2];	/* AF_INET, AF_INET6 */
static DEFINE_MUTEX(mpnic_toe_ops_lock);	/* protects building them */

static struct mpnic_toe_ops *mpnic_toe_ops_of(const struct sock *sk)
{
	return &mpnic_toe_ops[sk->sk_family == AF_INET6];
}

/*
 * As kTLS's tls_get_ctx(): icsk_ulp_data is RCU for sock diag only; the
 * socket's own operations run while it is set (from the handoff to close)
 */
static struct mpnic_toe_conn *mpnic_toe_sk_conn(const struct sock *sk)
{
	return (__force struct mpnic_toe_conn *)inet_csk(sk)->icsk_ulp_data;
}

/* Bytes in the receive ring. Context: socket locked (the ring's consumer) */
static u32 mpnic_toe_rx_avail(const struct mpnic_toe_conn *conn)
{
	/* pairs with smp_store_release() of prod in mpnic_toe_push_rx() */
	return smp_load_acquire(&conn->hrx.prod) - conn->hrx.cons;
}

/* Room in the send ring. Context: socket locked (the ring's producer) */
static u32 mpnic_toe_tx_space(const struct mpnic_toe_conn *conn)
{
	/* pairs with smp_store_release() of cons in mpnic_toe_pull_tx() */
	return conn->htx.size - (conn->htx.prod - smp_load_acquire(&conn->htx.cons));
}

static u32 mpnic_toe_status(const struct mpnic_toe_conn *conn)
{
	/* pairs with smp_store_release() in mpnic_toe_service(): err first */
	return smp_load_acquire(&conn->status);
}

/* What the engine knows, into the host's tcp_sock, for tcp_get_info() and ss */
static void mpnic_toe_sync(struct sock *sk, struct mpnic_toe_conn *conn,
			   struct mpnic_toe_view *v)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 mss = v->info.mss ? v->info.mss : 1;

	mpnic_toe_read_view(conn, v);
	tp->srtt_us = v->info.srtt_us << 3;
	tp->mdev_us = v->info.rttvar_us << 2;
	inet_csk(sk)->icsk_rto = usecs_to_jiffies(v->info.rto_us);
	tcp_snd_cwnd_set(tp, max_t(u32, v->info.cwnd / mss, 1));
	tp->snd_ssthresh = v->info.ssthresh ? v->info.ssthresh / mss : TCP_INFINITE_SSTHRESH;
	tp->total_retrans = v->retrans_segs;
	tp->bytes_acked = v->info.bytes_acked;
	tp->bytes_received = v->info.bytes_received;
	tp->bytes_sent = v->bytes_sent;
	tp->snd_wnd = v->snd_wnd;
}

/*
 * The error a reset leaves: once, as sock_error() hands sk_err out once;
 * after that reads see EOF and writes EPIPE, as on a host TCP socket.
 * Context: socket locked.
 */
static int mpnic_toe_sock_error(struct mpnic_toe_conn *conn, bool write)
{
	if (!conn->err_seen) {
		conn->err_seen = true;
		return READ_ONCE(conn->err);
	}
	return write ? -EPIPE : 0;
}

/*
 * Sleep until the engine's next event (its interrupt wakes the socket),
 * the timeout or a signal. Context: socket locked, @wait on its queue.
 */
static int mpnic_toe_wait(struct sock *sk, struct wait_queue_entry *wait, long *timeo)
{
	if (!*timeo)
		return -EAGAIN;
	if (signal_pending(current))
		return sock_intr_errno(*timeo);
	release_sock(sk);
	*timeo = wait_woken(wait, TASK_INTERRUPTIBLE, *timeo);
	lock_sock(sk);
	return 0;
}

static int mpnic_toe_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
			     int *addr_len)
{
	struct mpnic_toe_conn *conn = mpnic_toe_sk_conn(sk);
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct mpnic_toe_hring *r = &conn->hrx;
	bool peek = flags & MSG_PEEK;
	int copied = 0, err = 0;
	int target;
	long timeo;

	if (flags & MSG_ERRQUEUE)
		return mpnic_toe_ops_of(sk)->base->recvmsg(sk, msg, len, flags, addr_len);
	if (flags & MSG_OOB)
		return -EINVAL;
	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	add_wait_queue(sk_sleep(sk), &wait);
	while (copied < len) {
		u32 avail = mpnic_toe_rx_avail(conn) - (peek ? copied : 0);
		u32 status;

		if (avail) {
			u32 from = r->cons + (peek ? copied : 0);
			u32 n = min_t(size_t, avail, len - copied);
			u32 done = 0;

			while (done < n) {
				u32 at = (from + done) & (r->size - 1);
				u32 chunk = min(n - done, r->size - at);

				if (copy_to_iter(r->buf + at, chunk, &msg->msg_iter) != chunk) {
					err = -EFAULT;
					break;
				}
				done += chunk;
			}
			if (!peek && done) {
				/* pairs with smp_load_acquire() in mpnic_toe_push_rx() */
				smp_store_release(&r->cons, r->cons + done);
				mpnic_toe_request(conn, MPNIC_TOE_REQ_RX);
			}
			copied += done;
			if (err)
				break;
			continue;
		}
		if (copied >= target)
			break;
		status = mpnic_toe_status(conn);
		/* The bytes before a FIN or a reset are in the ring before it */
		if (status & (MPNIC_TOE_ST_EOF | MPNIC_TOE_ST_RESET) && mpnic_toe_rx_avail(conn) >
		    (peek ? copied : 0))
			continue;
		if (status & MPNIC_TOE_ST_RESET) {
			if (!copied)
				err = mpnic_toe_sock_error(conn, false);
			break;
		}
		if ((status & MPNIC_TOE_ST_EOF) || (sk->sk_shutdown & RCV_SHUTDOWN))
			break;
		err = mpnic_toe_wait(sk, &wait, &timeo);
		if (err)
			break;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	release_sock(sk);
	return copied ? copied : err;
}

static int mpnic_toe_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct mpnic_toe_conn *conn = mpnic_toe_sk_conn(sk);
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct mpnic_toe_hring *r = &conn->htx;
	int copied = 0, err = 0;
	long timeo;

	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	lock_sock(sk);
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	add_wait_queue(sk_sleep(sk), &wait);
	while (copied < size) {
		u32 status = mpnic_toe_status(conn);
		u32 space, n, done = 0;

		if (status & MPNIC_TOE_ST_RESET) {
			err = mpnic_toe_sock_error(conn, true);
			break;
		}
		if ((status & MPNIC_TOE_ST_SENT_FIN) || (sk->sk_shutdown & SEND_SHUTDOWN)) {
			err = -EPIPE;
			break;
		}
		space = mpnic_toe_tx_space(conn);
		if (!space) {
			set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
			err = mpnic_toe_wait(sk, &wait, &timeo);
			if (err)
				break;
			continue;
		}
		n = min_t(size_t, space, size - copied);
		while (done < n) {
			u32 at = (r->prod + done) & (r->size - 1);
			u32 chunk = min(n - done, r->size - at);

			if (copy_from_iter(r->buf + at, chunk, &msg->msg_iter) != chunk) {
				err = -EFAULT;
				break;
			}
			done += chunk;
		}
		if (done) {
			/* pairs with smp_load_acquire() in mpnic_toe_pull_tx() */
			smp_store_release(&r->prod, r->prod + done);
			mpnic_toe_request(conn, MPNIC_TOE_REQ_TX);
		}
		copied += done;
		if (err)
			break;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	release_sock(sk);
	if (!copied && err == -EPIPE && !(msg->msg_flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	return copied ? copied : err;
}

#ifdef MPNIC_HAVE_PROTO_SENDPAGE
/* sendfile() before 6.5 comes this way: the page, as a message */
static int mpnic_toe_sendpage(struct sock *sk, struct page *page, int offset, size_t size,
			      int flags)
{
	struct bio_vec bvec = { .bv_page = page, .bv_offset = offset, .bv_len = size };
	struct msghdr msg = { .msg_flags = flags };

	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bvec, 1, size);
	return mpnic_toe_sendmsg(sk, &msg, size);
}
#endif

static __poll_t mpnic_toe_sock_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct mpnic_toe_conn *conn = mpnic_toe_sk_conn(sk);
	u8 shutdown = READ_ONCE(sk->sk_shutdown);
	__poll_t mask = 0;
	u32 status, avail;

	sock_poll_wait(file, sock, wait);
	status = mpnic_toe_status(conn);
	/* pairs with smp_store_release() of prod in mpnic_toe_push_rx() */
	avail = smp_load_acquire(&conn->hrx.prod) - READ_ONCE(conn->hrx.cons);
	if (avail >= max_t(int, READ_ONCE(sk->sk_rcvlowat), 1) ||
	    (status & (MPNIC_TOE_ST_EOF | MPNIC_TOE_ST_RESET)) || (shutdown & RCV_SHUTDOWN))
		mask |= EPOLLIN | EPOLLRDNORM;
	if ((status & MPNIC_TOE_ST_EOF) || (shutdown & RCV_SHUTDOWN))
		mask |= EPOLLRDHUP;
	if (status & MPNIC_TOE_ST_RESET) {
		mask |= EPOLLERR | EPOLLHUP | EPOLLOUT | EPOLLWRNORM;
	} else if ((status & MPNIC_TOE_ST_SENT_FIN) || (shutdown & SEND_SHUTDOWN)) {
		mask |= EPOLLOUT | EPOLLWRNORM;
		if (status & MPNIC_TOE_ST_EOF)
			mask |= EPOLLHUP;
	} else if (conn->htx.size - (READ_ONCE(conn->htx.prod) -
				     /* pairs with smp_store_release() in mpnic_toe_pull_tx() */
				     smp_load_acquire(&conn->htx.cons)) >= conn->htx.size / 4) {
		mask |= EPOLLOUT | EPOLLWRNORM;
	} else {
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
	}
	return mask;
}

/* Bytes the card holds for sending: not acknowledged, or @unsent_only not sent */
static u32 mpnic_toe_outq(struct mpnic_toe_conn *conn, bool unsent_only)
{
	struct mpnic_toe_view v;
	u32 host;

	/* pairs with smp_store_release() of cons in mpnic_toe_pull_tx() */
	host = READ_ONCE(conn->htx.prod) - smp_load_acquire(&conn->htx.cons);
	mpnic_toe_read_view(conn, &v);
	return host + (unsent_only ? v.snd_unsent : v.snd_queued);
}

static int mpnic_toe_ioctl_answer(struct sock *sk, int cmd, int *karg)
{
	struct mpnic_toe_conn *conn = mpnic_toe_sk_conn(sk);

	switch (cmd) {
	case SIOCINQ:
		lock_sock(sk);
		*karg = mpnic_toe_rx_avail(conn);
		release_sock(sk);
		return 0;
	case SIOCOUTQ:
		*karg = mpnic_toe_outq(conn, false);
		return 0;
	case SIOCOUTQNSD:
		*karg = mpnic_toe_outq(conn, true);
		return 0;
	}
	return -ENOIOCTLCMD;
}

#ifdef MPNIC_HAVE_PROTO_IOCTL_KARG
static int mpnic_toe_ioctl(struct sock *sk, int cmd, int *karg)
{
	return mpnic_toe_ioctl_answer(sk, cmd, karg);
}
#else
static int mpnic_toe_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	int answer, err;

	err = mpnic_toe_ioctl_answer(sk, cmd, &answer);
	return err ? err : put_user(answer, (int __user *)arg);
}
#endif

/* The engine's states as the host's TCP names them */
static u8 mpnic_toe_tcp_state(u8 state)
{
	static const u8 map[] = {
		[MPNIC_TCB_ESTABLISHED] = TCP_ESTABLISHED,
		[MPNIC_TCB_FIN_WAIT_1] = TCP_FIN_WAIT1,
		[MPNIC_TCB_FIN_WAIT_2] = TCP_FIN_WAIT2,
		[MPNIC_TCB_CLOSING] = TCP_CLOSING,
		[MPNIC_TCB_TIME_WAIT] = TCP_TIME_WAIT,
		[MPNIC_TCB_CLOSE_WAIT] = TCP_CLOSE_WAIT,
		[MPNIC_TCB_LAST_ACK] = TCP_LAST_ACK,
		[MPNIC_TCB_CLOSED] = TCP_CLOSE,
	};

	return state < ARRAY_SIZE(map) ? map[state] : TCP_CLOSE;
}

/* TCP_INFO: the host's fields, and the engine's TCP where it has its own */
static int mpnic_toe_tcp_info(struct sock *sk, char __user *optval, int __user *optlen)
{
	struct mpnic_toe_conn *conn = mpnic_toe_sk_conn(sk);
	struct mpnic_toe_view v;
	struct tcp_info info;
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	lock_sock(sk);
	mpnic_toe_sync(sk, conn, &v);
	release_sock(sk);
	tcp_get_info(sk, &info);
	info.tcpi_state = mpnic_toe_tcp_state(v.info.state);
	info.tcpi_backoff = v.info.backoff;
	info.tcpi_retransmits = v.info.backoff;
	info.tcpi_snd_mss = v.info.mss;
	info.tcpi_unacked = DIV_ROUND_UP(v.info.unacked, max_t(u32, v.info.mss, 1));
	info.tcpi_snd_wnd = v.snd_wnd;
	len = min_t(unsigned int, len, sizeof(info));
	if (put_user(len, optlen) || copy_to_user(optval, &info, len))
		return -EFAULT;
	return 0;
}

static int mpnic_toe_getsockopt(struct sock *sk, int level, int optname,
				char __user *optval, int __user *optlen)
{
	if (level == SOL_TCP && optname == TCP_INFO)
		return mpnic_toe_tcp_info(sk, optval, optlen);
	/* The host's queues are empty: zero-copy receive has nothing to map */
	if (level == SOL_TCP && optname == TCP_ZEROCOPY_RECEIVE)
		return -EOPNOTSUPP;
	return mpnic_toe_ops_of(sk)->base->getsockopt(sk, level, optname, optval, optlen);
}

/**
 * mpnic_toe_keepalive_of - the socket's keepalive settings, for its engine
 * @sk: the socket, locked
 * @keep: filled: SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT
 *
 * Context: socket locked.
 */
void mpnic_toe_keepalive_of(const struct sock *sk, struct mpnic_tcp_keepalive *keep)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	keep->on = sock_flag(sk, SOCK_KEEPOPEN);
	keep->cnt = keepalive_probes(tp);
	keep->idle_us = (u64)jiffies_to_msecs(keepalive_time_when(tp)) * USEC_PER_MSEC;
	keep->intvl_us = (u64)jiffies_to_msecs(keepalive_intvl_when(tp)) * USEC_PER_MSEC;
}

/* The settings to the engine, whose timer runs the keepalive now */
static void mpnic_toe_keep_update(struct sock *sk, bool on)
{
	struct mpnic_toe_conn *conn = mpnic_toe_sk_conn(sk);
	struct mpnic_tcp_keepalive keep;

	mpnic_toe_keepalive_of(sk, &keep);
	keep.on = on;
	spin_lock_bh(&conn->keep_lock);
	conn->keep = keep;
	spin_unlock_bh(&conn->keep_lock);
	mpnic_toe_request(conn, MPNIC_TOE_REQ_KEEPALIVE);
}

/*
 * TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT: the bounds and fields of
 * Linux's own (tcp_sock_set_keep*()), without arming the host's keepalive
 * timer, which would probe with the host's stale sequence numbers.
 */
static int mpnic_toe_set_keep(struct sock *sk, int optname, int val)
{
	struct tcp_sock *tp = tcp_sk(sk);

	switch (optname) {
	case TCP_KEEPIDLE:
		if (val < 1 || val > MAX_TCP_KEEPIDLE)
			return -EINVAL;
		WRITE_ONCE(tp->keepalive_time, val * HZ);
		break;
	case TCP_KEEPINTVL:
		if (val < 1 || val > MAX_TCP_KEEPINTVL)
			return -EINVAL;
		WRITE_ONCE(tp->keepalive_intvl, val * HZ);
		break;
	default:
		if (val < 1 || val > MAX_TCP_KEEPCNT)
			return -EINVAL;
		WRITE_ONCE(tp->keepalive_probes, val);
		break;
	}
	mpnic_toe_keep_update(sk, sock_flag(sk, SOCK_KEEPOPEN));
	return 0;
}

/*
 * TCP_NODELAY and TCP_CORK go to the engine; the host's own handling
 * would push its write queue, the host's TCP, which must stay silent.
 * The keepalive options go to the engine too (mpnic_toe_set_keep()).
 */
static int mpnic_toe_setsockopt(struct sock *sk, int level, int optname,
				sockptr_t optval, unsigned int optlen)
{
	struct mpnic_toe_conn *conn = mpnic_toe_sk_conn(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	bool keep = optname == TCP_KEEPIDLE || optname == TCP_KEEPINTVL ||
		    optname == TCP_KEEPCNT;
	int val, err;

	if (level != SOL_TCP || (optname != TCP_NODELAY && optname != TCP_CORK && !keep))
		return mpnic_toe_ops_of(sk)->base->setsockopt(sk, level, optname, optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	lock_sock(sk);
	if (keep) {
		err = mpnic_toe_set_keep(sk, optname, val);
		release_sock(sk);
		return err;
	}
	if (optname == TCP_NODELAY) {
		if (val)
			tp->nonagle |= TCP_NAGLE_OFF | TCP_NAGLE_PUSH;
		else
			tp->nonagle &= ~TCP_NAGLE_OFF;
	} else {
		if (val)
			tp->nonagle |= TCP_NAGLE_CORK;
		else
			tp->nonagle &= ~TCP_NAGLE_CORK;
	}
	WRITE_ONCE(conn->nodelay, tp->nonagle & TCP_NAGLE_OFF);
	WRITE_ONCE(conn->cork, tp->nonagle & TCP_NAGLE_CORK);
	mpnic_toe_request(conn, MPNIC_TOE_REQ_NAGLE);
	release_sock(sk);
	return 0;
}

/* inet_shutdown() set sk_shutdown; the FIN goes after the queued bytes */
static void mpnic_toe_shutdown(struct sock *sk, int how)
{
	if (how & SEND_SHUTDOWN)
		mpnic_toe_request(mpnic_toe_sk_conn(sk), MPNIC_TOE_REQ_SHUT_WR);
}

/*
 * SO_KEEPALIVE (sk_setsockopt(), socket locked): the engine's timer, not
 * the host's, which would probe with its stale sequence numbers
 */
static void mpnic_toe_keepalive(struct sock *sk, int valbool)
{
	mpnic_toe_keep_update(sk, valbool);
}

/* connect(AF_UNSPEC) would have the host's TCP reset a connection it does not run */
static int mpnic_toe_disconnect(struct sock *sk, int flags)
{
	return -EBUSY;
}

/*
 * close(): the engine sends the FIN after the queued bytes, or a RST when
 * data was left unread or SO_LINGER is 0 (RFC 9293 3.10.4, as Linux's
 * tcp_close()), and keeps the connection until it is over (TIME_WAIT
 * included). The host socket goes at once, without a segment of its own.
 */
static void mpnic_toe_close(struct sock *sk, long timeout)
{
	struct mpnic_toe_conn *conn = mpnic_toe_sk_conn(sk);
	struct proto *base = mpnic_toe_ops_of(sk)->base;
	bool abort;

	lock_sock(sk);
	abort = mpnic_toe_rx_avail(conn) ||
		(sock_flag(sk, SOCK_LINGER) && !READ_ONCE(sk->sk_lingertime));
	if (!(mpnic_toe_status(conn) & MPNIC_TOE_ST_RESET))
		mpnic_toe_request(conn, abort ? MPNIC_TOE_REQ_ABORT : MPNIC_TOE_REQ_CLOSE);
	rcu_assign_pointer(conn->sk, NULL);
	rcu_assign_pointer(inet_csk(sk)->icsk_ulp_data, NULL);
	WRITE_ONCE(sk->sk_prot, base);
	/* As a FIN would leave ESTABLISHED, then gone: not counted as a reset */
	tcp_set_state(sk, TCP_FIN_WAIT1);
	tcp_set_state(sk, TCP_CLOSE);
	release_sock(sk);
	mpnic_toe_conn_put(conn);
	base->close(sk, timeout);
}

/* The host TCP's own deferred work would transmit from its queues: none is left */
static void mpnic_toe_release_cb(struct sock *sk)
{
}

static int mpnic_toe_ops_build(struct sock *sk)
{
	struct mpnic_toe_ops *t = mpnic_toe_ops_of(sk);
	int err = 0;

	mutex_lock(&mpnic_toe_ops_lock);
	if (!t->base) {
		t->base = sk->sk_prot;
		t->base_ops = sk->sk_socket->ops;
		t->prot = *t->base;
		t->prot.close = mpnic_toe_close;
		t->prot.disconnect = mpnic_toe_disconnect;
		t->prot.shutdown = mpnic_toe_shutdown;
		t->prot.keepalive = mpnic_toe_keepalive;
		t->prot.sendmsg = mpnic_toe_sendmsg;
		t->prot.recvmsg = mpnic_toe_recvmsg;
		t->prot.ioctl = mpnic_toe_ioctl;
		t->prot.getsockopt = mpnic_toe_getsockopt;
		t->prot.setsockopt = mpnic_toe_setsockopt;
		t->prot.release_cb = mpnic_toe_release_cb;
		t->prot.splice_eof = NULL;
#ifdef MPNIC_HAVE_PROTO_SENDPAGE
		t->prot.sendpage = mpnic_toe_sendpage;
#endif
		t->ops = *t->base_ops;
		t->ops.poll = mpnic_toe_sock_poll;
		/* splice and read_sock would read the host's empty queue */
		t->ops.splice_read = NULL;
		t->ops.read_sock = NULL;
		t->ops.mmap = sock_no_mmap;
		mpnic_toe_ops_compat(&t->ops);
	} else if (t->base != sk->sk_prot || t->base_ops != sk->sk_socket->ops) {
		/* Someone else's operations (a BPF sockmap): not ours to replace */
		err = -EALREADY;
	}
	mutex_unlock(&mpnic_toe_ops_lock);
	return err;
}

/* Whether the socket's operations can be swapped. Context: socket locked */
int mpnic_toe_sock_check(struct sock *sk)
{
	if (!sk->sk_socket)
		return -ENOTCONN;
	return mpnic_toe_ops_build(sk);
}

/* Empty the host TCP's queues: what they held is the engine's now */
static void mpnic_toe_sock_purge(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb, *next;
	struct rb_node *p;
	u32 dropped = 0;

	while ((skb = __skb_dequeue(&sk->sk_write_queue))) {
		tcp_skb_tsorted_anchor_cleanup(skb);
		tcp_wmem_free_skb(sk, skb);
	}
	p = rb_first(&sk->tcp_rtx_queue);
	while (p) {
		skb = rb_to_skb(p);
		p = rb_next(p);
		tcp_rtx_queue_unlink_and_free(skb, sk);
	}
	INIT_LIST_HEAD(&tp->tsorted_sent_queue);
	tcp_clear_all_retrans_hints(tp);
	tp->highest_sack = NULL;
	tp->packets_out = 0;
	tp->sacked_out = 0;
	tp->lost_out = 0;
	tp->retrans_out = 0;
	__skb_queue_purge(&sk->sk_receive_queue);
	/*
	 * Segments that came while the socket was locked wait in its backlog
	 * for the host's TCP: unacknowledged, so the peer sends them again,
	 * to the engine.
	 */
	spin_lock_bh(&sk->sk_lock.slock);
	skb = sk->sk_backlog.head;
	sk->sk_backlog.head = NULL;
	sk->sk_backlog.tail = NULL;
	WRITE_ONCE(sk->sk_backlog.len, 0);
	spin_unlock_bh(&sk->sk_lock.slock);
	for (; skb; skb = next) {
		next = skb->next;
		skb_mark_not_on_list(skb);
		kfree_skb(skb);
		dropped++;
	}
	sk_mem_reclaim(sk);
	if (dropped)
		mpnic_toe_backlog_dropped(dropped);
}

/**
 * mpnic_toe_sock_take - the socket hands its connection over for good
 * @sk: the socket, locked, its checks passed (mpnic_toe_sock_check())
 * @conn: the engine's connection, which holds a reference for the socket
 *
 * Context: process context, socket locked.
 */
void mpnic_toe_sock_take(struct sock *sk, struct mpnic_toe_conn *conn)
{
	struct mpnic_toe_ops *t = mpnic_toe_ops_of(sk);

	inet_csk_clear_xmit_timers(sk);
	inet_csk_delete_keepalive_timer(sk);
	mpnic_toe_sock_purge(sk);
	rcu_assign_pointer(inet_csk(sk)->icsk_ulp_data, conn);
	rcu_assign_pointer(conn->sk, sk);
	WRITE_ONCE(sk->sk_prot, &t->prot);
	WRITE_ONCE(sk->sk_socket->ops, &t->ops);
}
