// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: mpnic/card<ID>/engine<N>/flows, the engine's flow table,
 * .../engine<N>/conns, its offloaded TCP connections, and
 * mpnic/toe_unrouted, the TCP offload refusals no port counts (toe.c).
 * Faults are injected through the netlink family's fault-set alone.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>

#include "mpnic.h"

static struct dentry *mpnic_dfs_root;

/* A tuple as received, "remote local": proto4 a:p a:p, proto6 [a]:p [a]:p */
static void mpnic_dfs_tuple(struct seq_file *m, const struct mpnic_flow_key *k)
{
	const char *proto = k->proto == IPPROTO_TCP ? "tcp" : "udp";

	if (k->l3 == 4)
		seq_printf(m, "%s%c %pI4:%u %pI4:%u", proto, '4', k->saddr,
			   ntohs(k->sport), k->daddr, ntohs(k->dport));
	else
		seq_printf(m, "%s%c [%pI6c]:%u [%pI6c]:%u", proto, '6', k->saddr,
			   ntohs(k->sport), k->daddr, ntohs(k->dport));
}

static int mpnic_flows_show(struct seq_file *m, void *v)
{
	struct mpnic_engine *eng = m->private;
	struct mpnic_flow_table *tbl = &eng->flows;
	u32 now = (u32)ktime_get_seconds();
	u32 b, idx;

	seq_puts(m, "proto remote local state in_pkts in_bytes out_pkts out_bytes idle_s\n");
	spin_lock(&eng->flows_lock);
	for (b = 0; b <= tbl->mask; b++) {
		for (idx = tbl->buckets[b]; idx; idx = tbl->entries[idx - 1].next) {
			const struct mpnic_flow_entry *fe = &tbl->entries[idx - 1];

			mpnic_dfs_tuple(m, &fe->key);
			seq_printf(m, " %s %llu %llu %llu %llu %u\n",
				   mpnic_tcp_state_name(fe->state),
				   fe->pkts[MPNIC_DIR_IN], fe->bytes[MPNIC_DIR_IN],
				   fe->pkts[MPNIC_DIR_OUT], fe->bytes[MPNIC_DIR_OUT],
				   now - fe->last_seen);
		}
	}
	spin_unlock(&eng->flows_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mpnic_flows);

/* One offloaded connection: mpnic_toe_walk()'s callback */
static int mpnic_conns_line(void *arg, const struct mpnic_toe_conn_info *ci)
{
	const struct mpnic_toe_view *v = &ci->view;
	struct seq_file *m = arg;

	mpnic_dfs_tuple(m, &ci->key);
	seq_printf(m, " %u %s %u %u %u %u %u %u %u %u %u %llu %llu %llu %llu\n",
		   ci->key.port, mpnic_tcb_state_name(v->info.state),
		   v->snd_una, v->snd_nxt, v->rcv_nxt, v->snd_wnd, v->rcv_wnd,
		   v->info.cwnd, v->info.ssthresh, v->info.srtt_us, v->info.rto_us,
		   v->info.bytes_acked, v->info.bytes_received, v->bytes_sent,
		   v->retrans_segs);
	return 0;
}

/* The engine's offloaded connections, as conn-get dumps them */
static int mpnic_conns_show(struct seq_file *m, void *v)
{
	u32 bucket = 0, pos = 0;

	seq_puts(m, "proto remote local port state snd_una snd_nxt rcv_nxt snd_wnd rcv_wnd ");
	seq_puts(m, "cwnd ssthresh srtt_us rto_us bytes_acked bytes_received bytes_sent retrans\n");
	return mpnic_toe_walk(m->private, &bucket, &pos, mpnic_conns_line, m);
}
DEFINE_SHOW_ATTRIBUTE(mpnic_conns);
DEFINE_SHOW_ATTRIBUTE(mpnic_toe_unrouted);

void mpnic_debugfs_card_add(struct mpnic_card *card)
{
	char name[24];	/* "engine" + a u32 */
	u32 i;

	snprintf(name, sizeof(name), "card%u", card->id);
	card->dfs = debugfs_create_dir(name, mpnic_dfs_root);
	for (i = 0; i < card->num_engines; i++) {
		struct mpnic_engine *eng = card->engines[i];

		snprintf(name, sizeof(name), "engine%u", i);
		eng->dfs = debugfs_create_dir(name, card->dfs);
		debugfs_create_file("flows", 0400, eng->dfs, eng, &mpnic_flows_fops);
		debugfs_create_file("conns", 0400, eng->dfs, eng, &mpnic_conns_fops);
	}
}

void mpnic_debugfs_card_del(struct mpnic_card *card)
{
	debugfs_remove_recursive(card->dfs);
	card->dfs = NULL;
}

void mpnic_debugfs_init(void)
{
	mpnic_dfs_root = debugfs_create_dir(MPNIC_DRV_NAME, NULL);
	debugfs_create_file("toe_unrouted", 0400, mpnic_dfs_root, NULL,
			    &mpnic_toe_unrouted_fops);
}

void mpnic_debugfs_exit(void)
{
	debugfs_remove_recursive(mpnic_dfs_root);
}
