// SPDX-License-Identifier: GPL-2.0
/* The flow table: one entry per connection, TCP state, aging, a full table. */
#include "unit.h"
#include "../../drivers/net/mpnic/flow.h"

static u8 f[128];

/* IPv4 TCP frame from @a:@ap to @b:@bp with @flags and @payload bytes */
static u32 tcp4(const char *a, u16 ap, const char *b, u16 bp, u8 flags, u32 seq, u32 payload)
{
	memset(f, 0, sizeof(f));
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (40 + payload) >> 8;
	f[17] = (40 + payload) & 0xff;
	f[23] = 6;
	inet_pton(AF_INET, a, f + 26);
	inet_pton(AF_INET, b, f + 30);
	f[34] = ap >> 8;
	f[35] = ap & 0xff;
	f[36] = bp >> 8;
	f[37] = bp & 0xff;
	f[38] = seq >> 24;
	f[39] = seq >> 16;
	f[40] = seq >> 8;
	f[41] = seq;
	f[46] = 5 << 4;
	f[47] = flags;
	return 54 + payload;
}

#define R "198.51.100.2"
#define L "198.51.100.1"

/* Build and parse a segment of the test connection, seen in @dir, into f */
static void build(struct mpnic_flow *fl, enum mpnic_dir dir, u8 flags, u32 seq, u32 payload)
{
	u32 len;

	if (dir == MPNIC_DIR_IN)
		len = tcp4(R, 5201, L, 40000, flags, seq, payload);
	else
		len = tcp4(L, 40000, R, 5201, flags, seq, payload);
	/* the payload is not read */
	mpnic_parse(f, len > sizeof(f) ? sizeof(f) : len, len, fl);
}

static struct mpnic_flow_entry *seg(struct mpnic_flow_table *t, enum mpnic_dir dir,
				    u8 flags, u32 seq, u32 payload, u32 now)
{
	struct mpnic_flow fl;

	build(&fl, dir, flags, seq, payload);
	return mpnic_flow_track(t, f, &fl, dir, now);
}

/* Account one segment to @fe, as the engine does for a known flow */
static void acct(struct mpnic_flow_entry *fe, enum mpnic_dir dir, u8 flags, u32 seq,
		 u32 payload, u32 now)
{
	struct mpnic_flow fl;

	build(&fl, dir, flags, seq, payload);
	mpnic_flow_account(fe, f, &fl, dir, now);
}

/*
 * A run of segments accounted at once (mpnic_flow_account_run()) leaves the
 * entry as accounting each would, from every state, in both directions,
 * for every first segment without SYN, FIN or RST and followers that may
 * drop its PSH and CWR. Returns the cases that differ.
 */
static u32 run_cases(u32 *cases)
{
	struct mpnic_flow_entry a, b;
	u32 c, state, dir, fl, k, i, bad = 0;

	/* every state, FINs seen, first SYN's direction, direction, flags */
	for (c = 0; c < (MPNIC_TCP_CLOSED + 1) * 4 * 2 * 2 * 256; c++) {
		fl = c & 0xff;
		dir = (c >> 8) & 1;
		state = c >> 12;
		if (fl & 0x07)
			continue;	/* SYN, FIN, RST */
		for (k = 1; k <= 3; k++) {
			u32 seq = 1000, bytes = 0;

			memset(&a, 0, sizeof(a));
			a.state = state;
			a.syn_dir = (c >> 9) & 1;
			a.fin_seen = (c >> 10) & 3;
			acct(&a, dir, fl, seq, 100, 1);
			memcpy(&b, &a, sizeof(b));
			seq += 100;
			for (i = 0; i < k; i++) {
				/* as TSO cuts them: CWR on the first only, PSH on the last */
				u8 ff = fl & ~0x80 & (i + 1 < k ? ~0x08 : 0xff);

				acct(&a, dir, ff, seq, 90, 2);
				bytes += 40 + 90;
				seq += 90;
			}
			mpnic_flow_account_run(&b, dir, 2, k, bytes, seq, fl);
			if (memcmp(&a, &b, sizeof(a)) && !bad)
				printf("# case %#x, %u after: state %u against %u\n",
				       c, k, a.state, b.state);
			bad += !!memcmp(&a, &b, sizeof(a));
			(*cases)++;
		}
	}
	return bad;
}

int main(void)
{
	u32 cases = 0, bad;

	struct mpnic_flow_table t;
	struct mpnic_flow_entry *fe, *fe2;
	struct mpnic_flow fl;
	char ip[32];
	u32 i, n;

	printf("TAP version 13\n");
	UNIT_OK(mpnic_flow_table_init(&t, 64, NUMA_NO_NODE) == 0, "table of 64 flows");

	fe = seg(&t, MPNIC_DIR_OUT, 0x02, 1000, 0, 1);
	UNIT_OK(fe && fe->state == MPNIC_TCP_SYN_SENT && t.active == 1, "host SYN: SYN_SENT");
	fe2 = seg(&t, MPNIC_DIR_IN, 0x12, 5000, 0, 1);
	UNIT_OK(fe2 == fe && fe->state == MPNIC_TCP_SYN_RECV && t.active == 1,
		"peer SYN-ACK lands in the same entry: SYN_RECV");
	seg(&t, MPNIC_DIR_OUT, 0x10, 1001, 0, 1);
	UNIT_OK(fe->state == MPNIC_TCP_ESTABLISHED, "host ACK: ESTABLISHED");
	seg(&t, MPNIC_DIR_IN, 0x18, 5001, 100, 2);
	UNIT_OK(fe->next_seq[MPNIC_DIR_IN] == 5101 && fe->pkts[MPNIC_DIR_IN] == 2 &&
		fe->pkts[MPNIC_DIR_OUT] == 2 && fe->bytes[MPNIC_DIR_IN] == 40 + 140,
		"data: next expected sequence and per-direction counts");
	/* The next segment, accounted to the entry without a lookup */
	tcp4(R, 5201, L, 40000, 0x10, 5101, 0);
	mpnic_parse(f, 54, 54, &fl);
	fl.l3_len += 200;	/* as if 200 bytes of payload followed */
	mpnic_flow_account(fe, f, &fl, MPNIC_DIR_IN, 3);
	UNIT_OK(fe->next_seq[MPNIC_DIR_IN] == 5301 && fe->pkts[MPNIC_DIR_IN] == 3 &&
		fe->bytes[MPNIC_DIR_IN] == 180 + 240 && fe->last_seen == 3 && t.active == 1,
		"a segment accounted to its entry: sequence, counts, time, no new entry");
	seg(&t, MPNIC_DIR_IN, 0x11, 5301, 0, 3);
	UNIT_OK(fe->state == MPNIC_TCP_FIN_WAIT, "peer FIN: FIN_WAIT");
	seg(&t, MPNIC_DIR_OUT, 0x11, 1001, 0, 3);
	UNIT_OK(fe->state == MPNIC_TCP_CLOSING, "host FIN: CLOSING");
	seg(&t, MPNIC_DIR_IN, 0x10, 5302, 0, 3);
	UNIT_OK(fe->state == MPNIC_TCP_CLOSED, "last ACK: CLOSED");

	UNIT_OK(mpnic_flow_age(&t, 5, 120, 5, 64) == 0 && t.active == 1,
		"a closed flow stays for its closed timeout");
	UNIT_OK(mpnic_flow_age(&t, 8, 120, 5, 64) == 1 && t.active == 0 &&
		t.stats.expired == 1, "then it expires");

	fe = seg(&t, MPNIC_DIR_IN, 0x10, 7, 10, 10);
	UNIT_OK(fe && fe->state == MPNIC_TCP_ESTABLISHED, "picked up mid-stream: ESTABLISHED");
	seg(&t, MPNIC_DIR_OUT, 0x04, 9, 0, 10);
	UNIT_OK(fe->state == MPNIC_TCP_CLOSED, "RST: CLOSED");

	/* Fill the table with UDP flows */
	for (i = 0, n = 0; i < 100; i++) {
		u32 len;

		snprintf(ip, sizeof(ip), "203.0.113.%u", i);
		len = tcp4(ip, 53, L, 53, 0, 0, 0);
		f[23] = 17;
		f[16] = 0;
		f[17] = 28;
		f[38] = 0;
		f[39] = 8;
		if (mpnic_parse(f, len - 12, len - 12, &fl) == MPNIC_PARSE_OK &&
		    mpnic_flow_track(&t, f, &fl, MPNIC_DIR_IN, 20))
			n++;
	}
	UNIT_OK(n == 63 && t.active == 64 && t.stats.table_full == 37,
		"a full table counts what it cannot track (tracked %u, full %llu)", n,
		(unsigned long long)t.stats.table_full);
	for (i = 0; i < 64; i++)
		mpnic_flow_age(&t, 200, 120, 5, 1);
	UNIT_OK(t.active == 0, "idle flows age out, a bucket at a time");
	UNIT_OK(t.stats.created == 65, "created counts every new flow (%llu)",
		(unsigned long long)t.stats.created);
	mpnic_flow_table_free(&t);

	bad = run_cases(&cases);
	UNIT_OK(!bad && cases > 1000,
		"a run of segments accounted at once: the entry each would leave (%u of %u differ)",
		bad, cases);
	return unit_done();
}
