// SPDX-License-Identifier: GPL-2.0
/*
 * The host side of TCP offload: the "mpnic" TCP ULP. On an ESTABLISHED
 * socket whose route leaves by an mpnic port, setsockopt(TCP_ULP, "mpnic")
 * checks that the engine owning the flow can take the connection, reads the
 * connection into a struct mpnic_toe_handoff, gives it to that engine
 * (toe_conn.c) and swaps the socket's operations (toe_sock.c). Every
 * refusal has its own errno and its own counter, and changes nothing on
 * the socket: it goes on as the host's (Documentation/networking/mpnic.rst,
 * "TCP offload").
 */

#include <linux/module.h>
#include <linux/seq_file.h>
#include <net/dst.h>
#include <net/ipv6.h>
#include <net/mptcp.h>
#include <net/neighbour.h>
#include <net/netevent.h>
#include <net/route.h>
#include <net/tcp.h>

#include <uapi/linux/mpnic.h>

#include "mpnic.h"

/* Refusals no port can count: the socket's route leaves by none */
static atomic64_t mpnic_toe_no_route;		/* -ENETUNREACH */
static atomic64_t mpnic_toe_no_peer;		/* -ENOTCONN: no route to look at */
/* Segments a handoff found in the socket's backlog, left for the peer to resend */
static atomic64_t mpnic_toe_backlog;

void mpnic_toe_backlog_dropped(u32 n)
{
	atomic64_add(n, &mpnic_toe_backlog);
}

/**
 * mpnic_toe_port_can_offload - whether a port may turn tcp-offload on
 * @port: the port
 * @extack: why not; NULL logs it on the port
 *
 * Context: RTNL held (engines are replaced under it).
 */
bool mpnic_toe_port_can_offload(struct mpnic_port *port, struct netlink_ext_ack *extack)
{
	struct mpnic_card *card = port->card;
	u32 i;

	ASSERT_RTNL();
	for (i = 0; i < card->num_engines; i++) {
		if (READ_ONCE(card->engines[i]->profile) != MPNIC_PROFILE_FULL) {
			mpnic_refuse(port->netdev, extack,
				     "An engine's profile has no TCP: set every engine's profile to full");
			return false;
		}
	}
	return true;
}

/* The errno of each refusal names its counter; 0 counts a handoff */
static int mpnic_toe_count(struct mpnic_port *port, int err)
{
	struct mpnic_dispatch_stats *ds;
	u64 *c;

	local_bh_disable();
	ds = this_cpu_ptr(port->dstats);
	switch (err) {
	case 0:
		c = &ds->toe_offloaded;
		break;
	case -ENOTCONN:
		c = &ds->toe_refused_not_established;
		break;
	case -EOPNOTSUPP:
		c = &ds->toe_refused_offload_off;
		break;
	case -EPROTONOSUPPORT:
		c = &ds->toe_refused_profile;
		break;
	case -EPROTO:
		c = &ds->toe_refused_urgent;
		break;
	case -EKEYREJECTED:
		c = &ds->toe_refused_keys;
		break;
	case -ESOCKTNOSUPPORT:
		c = &ds->toe_refused_mptcp;
		break;
	case -ENOPROTOOPT:
		c = &ds->toe_refused_ecn;
		break;
	case -ENFILE:
		c = &ds->toe_refused_table_full;
		break;
	case -ENOBUFS:
		c = &ds->toe_refused_card_mem;
		break;
	case -EBUSY:
		c = &ds->toe_refused_unsent;
		break;
	case -ENOMEM:
		c = &ds->toe_refused_nomem;
		break;
	default:
		c = &ds->toe_refused_engine;
	}
	u64_stats_update_begin(&ds->syncp);
	WRITE_ONCE(*c, *c + 1);
	u64_stats_update_end(&ds->syncp);
	local_bh_enable();
	return err;
}

/* IPv4, or IPv6 carrying IPv4 (a v4-mapped peer): the frames are IPv4 */
static bool mpnic_toe_ipv4(const struct sock *sk)
{
	return sk->sk_family == AF_INET || ipv6_addr_v4mapped(&sk->sk_v6_daddr);
}

/*
 * The socket's route, held, or NULL: its cached one while valid, else a
 * fresh lookup stored as TCP's own transmit path would (rebuild_header).
 * Context: socket locked.
 */
static struct dst_entry *mpnic_toe_dst(struct sock *sk)
{
	u32 cookie = mpnic_toe_ipv4(sk) ? 0 : inet6_sk(sk)->dst_cookie;
	struct dst_entry *dst;

	/* A socket that never connected, or listens, has no peer to route to */
	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))
		return NULL;
	dst = sk_dst_check(sk, cookie);
	if (!dst && !inet_csk(sk)->icsk_af_ops->rebuild_header(sk))
		dst = sk_dst_get(sk);
	return dst;
}

/*
 * The mpnic port @dst leaves by, held, or NULL. The device is read under
 * RCU: an unregistering device gives its routes' references back before
 * its last RCU grace period, and no mpnic port is freed before that.
 */
static struct net_device *mpnic_toe_dev(struct dst_entry *dst)
{
	struct net_device *dev;

	if (!dst)
		return NULL;
	rcu_read_lock();
	dev = READ_ONCE(dst->dev);
	if (mpnic_is_port(dev) && dev->reg_state == NETREG_REGISTERED)
		dev_hold(dev);
	else
		dev = NULL;
	rcu_read_unlock();
	return dev;
}

/* The connection as a frame the host sends would carry it (dispatch's view) */
static void mpnic_toe_flow(const struct sock *sk, const struct mpnic_port *port,
			   struct mpnic_flow *flow)
{
	const struct inet_sock *inet = inet_sk(sk);

	memset(flow, 0, sizeof(*flow));
	flow->l4proto = IPPROTO_TCP;
	flow->port = port->idx;
	flow->sport = inet->inet_sport;
	flow->dport = inet->inet_dport;
	if (mpnic_toe_ipv4(sk)) {
		flow->l3 = 4;
		flow->type = MPNIC_FT_TCP4;
		memcpy(flow->saddr, &inet->inet_saddr, 4);
		memcpy(flow->daddr, &inet->inet_daddr, 4);
	} else {
		flow->l3 = 6;
		flow->type = MPNIC_FT_TCP6;
		memcpy(flow->saddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(flow->daddr, &sk->sk_v6_daddr, 16);
	}
}

/* What the connection uses that the engine does not implement. Context: socket locked */
static int mpnic_toe_check_sock(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	/* Urgent data received and not read, or sent and not yet acknowledged */
	if (tp->urg_data || tp->snd_up != tp->snd_una)
		return -EPROTO;
	if (mpnic_tcp_md5_keys(sk) || mpnic_tcp_ao_keys(sk))
		return -EKEYREJECTED;
	/* The core refuses a second ULP first (-EEXIST): this is for safety */
	if (sk_is_mptcp(sk))
		return -ESOCKTNOSUPPORT;
	if (tp->ecn_flags & TCP_ECN_OK)
		return -ENOPROTOOPT;
	return 0;
}

/* The route's next hop: the neighbour's address, if it has one yet */
static void mpnic_toe_next_hop(const struct sock *sk, struct dst_entry *dst,
			       struct mpnic_toe_handoff *h)
{
	struct neighbour *n;
	const void *daddr;

	daddr = mpnic_toe_ipv4(sk) ? (const void *)&inet_sk(sk)->inet_daddr :
				     (const void *)&sk->sk_v6_daddr;
	n = dst_neigh_lookup(dst, daddr);
	if (!n)
		return;
	h->nh_valid = READ_ONCE(n->nud_state) & NUD_VALID;
	if (h->nh_valid)
		neigh_ha_snapshot(h->nh_mac, n, dst->dev);
	h->nh_len = min_t(u32, n->tbl->key_len, sizeof(h->nh_addr));
	memcpy(h->nh_addr, n->primary_key, h->nh_len);
	neigh_release(n);
}

/* The headers the engine will build: what TCP's own transmit would put */
static void mpnic_toe_ip(const struct sock *sk, struct dst_entry *dst,
			 struct mpnic_toe_handoff *h)
{
	const struct inet_sock *inet = inet_sk(sk);
	int hops;

	h->txhash = READ_ONCE(sk->sk_txhash);
	if (mpnic_toe_ipv4(sk)) {
		h->tos = READ_ONCE(inet->tos);
		hops = READ_ONCE(inet->uc_ttl);
		h->ttl = hops < 0 ? ip4_dst_hoplimit(dst) : hops;
	} else {
		struct ipv6_pinfo *np = inet6_sk(sk);
		struct flowi6 fl6 = { .daddr = sk->sk_v6_daddr };

		h->tos = READ_ONCE(np->tclass);
		h->ttl = ip6_sk_dst_hoplimit(np, &fl6, dst);
		h->flowlabel = np->flow_label;
	}
	mpnic_toe_next_hop(sk, dst, h);
}

/* Context: socket locked */
static void mpnic_toe_snapshot(const struct sock *sk, struct mpnic_toe_handoff *h)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 mss = tp->mss_cache;

	h->snd_una = tp->snd_una;
	h->snd_nxt = tp->snd_nxt;
	h->snd_wnd = tp->snd_wnd;
	h->snd_wl1 = tp->snd_wl1;
	h->max_window = tp->max_window;
	h->mss = mss;
	h->advmss = tp->advmss;
	if (tp->rx_opt.wscale_ok) {
		h->snd_wscale = tp->rx_opt.snd_wscale;
		h->rcv_wscale = tp->rx_opt.rcv_wscale;
	}
	h->nodelay = tp->nonagle & TCP_NAGLE_OFF;
	h->cork = tp->nonagle & TCP_NAGLE_CORK;
	mpnic_toe_keepalive_of(sk, &h->keep);
	h->cwnd = min_t(u64, (u64)tcp_snd_cwnd(tp) * mss, U32_MAX);
	h->ssthresh = tp->snd_ssthresh >= TCP_INFINITE_SSTHRESH ? 0 :
		      min_t(u64, (u64)tp->snd_ssthresh * mss, U32_MAX);
	/* Kept scaled: srtt times 8, mdev times 4 (tcp_get_info()) */
	h->srtt_us = tp->srtt_us >> 3;
	h->rttvar_us = tp->mdev_us >> 2;
	h->rcv_nxt = tp->rcv_nxt;
	h->rcv_wnd = tp->rcv_wnd;
	h->rcv_mss = inet_csk(sk)->icsk_ack.rcv_mss;
	h->ts_on = tp->rx_opt.tstamp_ok;
	h->ts_recent = tp->rx_opt.ts_recent;
	h->ts_offset = tp->tsoffset;
	h->sack_ok = tcp_is_sack(tp);
}

/* Copies the payload between @from and @to a queue's skb holds; returns bytes */
static u32 mpnic_toe_copy(const struct sk_buff *skb, u32 skb_seq, u32 from, u32 to,
			  u8 *dst)
{
	u32 start, n;

	if (!before(skb_seq, to) || !after(skb_seq + skb->len, from))
		return 0;
	start = before(skb_seq, from) ? from - skb_seq : 0;
	n = min_t(u32, skb->len - start, to - (skb_seq + start));
	if (skb_copy_bits(skb, start, dst + (skb_seq + start - from), n))
		return 0;
	return n;
}

/*
 * The bytes the host's queues hold, copied so that the engine can go on
 * from them: sent and not acknowledged (retransmit queue) and not sent
 * (write queue), from snd_una; received and not read, from copied_seq.
 * -EBUSY for what cannot move: more than MPNIC_TOE_QUEUED_MAX either way,
 * out-of-order data (SACKed, so not the host's to drop), or MSG_ZEROCOPY
 * buffers, whose completions would be lost.
 * Context: socket locked.
 */
static int mpnic_toe_collect(struct sock *sk, struct mpnic_toe_handoff *h)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 snd = tp->write_seq - tp->snd_una;
	u32 rcv = tp->rcv_nxt - tp->copied_seq;
	struct sk_buff *skb;
	u32 got;

	if (snd > MPNIC_TOE_QUEUED_MAX || rcv > MPNIC_TOE_QUEUED_MAX ||
	    !RB_EMPTY_ROOT(&tp->out_of_order_queue))
		return -EBUSY;
	if (snd) {
		h->snd_data = kvmalloc(snd, GFP_KERNEL);
		if (!h->snd_data)
			return -ENOMEM;
	}
	if (rcv) {
		h->rcv_data = kvmalloc(rcv, GFP_KERNEL);
		if (!h->rcv_data)
			return -ENOMEM;
	}

	got = 0;
	skb_rbtree_walk(skb, &sk->tcp_rtx_queue) {
		if (skb_zcopy(skb))
			return -EBUSY;
		got += mpnic_toe_copy(skb, TCP_SKB_CB(skb)->seq, tp->snd_una, tp->write_seq,
				      h->snd_data);
	}
	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb_zcopy(skb))
			return -EBUSY;
		got += mpnic_toe_copy(skb, TCP_SKB_CB(skb)->seq, tp->snd_una, tp->write_seq,
				      h->snd_data);
	}
	/* A FIN takes a sequence number and no byte: not in ESTABLISHED */
	if (got != snd)
		return -EBUSY;
	h->snd_len = snd;

	got = 0;
	skb_queue_walk(&sk->sk_receive_queue, skb) {
		/* A SYN's sequence number carries no byte (tcp_recvmsg()) */
		u32 seq = TCP_SKB_CB(skb)->seq + !!(TCP_SKB_CB(skb)->tcp_flags & TCPHDR_SYN);

		got += mpnic_toe_copy(skb, seq, tp->copied_seq, tp->rcv_nxt, h->rcv_data);
	}
	if (got != rcv)
		return -EBUSY;
	h->rcv_len = rcv;
	return 0;
}

/*
 * The checks past the route, then the seam. Every refusal returns before
 * the socket changes. Context: socket locked, mpnic_cards_lock held: the
 * port stays on its card and the card keeps its engines.
 */
static int mpnic_toe_handoff(struct sock *sk, struct mpnic_port *port, struct dst_entry *dst)
{
	struct mpnic_toe_handoff h = {};
	struct mpnic_toe_conn *conn;
	struct mpnic_engine *eng;
	struct mpnic_flow flow;
	u16 qidx;
	int err;

	lockdep_assert_held(&mpnic_cards_lock);
	if (sk->sk_state != TCP_ESTABLISHED)
		return mpnic_toe_count(port, -ENOTCONN);
	if (!READ_ONCE(port->tcp_offload))
		return mpnic_toe_count(port, -EOPNOTSUPP);

	mpnic_toe_flow(sk, port, &flow);
	rcu_read_lock_bh();
	qidx = mpnic_dispatch_flow_queue(port, &flow);
	rcu_read_unlock_bh();
	eng = port->hqs[qidx].eng;
	if (READ_ONCE(eng->profile) != MPNIC_PROFILE_FULL)
		return mpnic_toe_count(port, -EPROTONOSUPPORT);
	err = mpnic_toe_check_sock(sk);
	if (!err)
		err = mpnic_toe_sock_check(sk);
	if (err)
		return mpnic_toe_count(port, err);

	mpnic_flow_key_of(&h.key, &flow, MPNIC_DIR_OUT);
	h.engine = eng->id;
	mpnic_toe_snapshot(sk, &h);
	mpnic_toe_ip(sk, dst, &h);
	err = mpnic_toe_collect(sk, &h);
	if (err)
		goto out_free;
	if (!mpnic_toe_reserve(eng, READ_ONCE(port->card->toe_max_conns))) {
		err = -ENFILE;
		goto out_free;
	}
	conn = mpnic_toe_attach(eng, &h, port);
	if (IS_ERR(conn)) {
		err = PTR_ERR(conn);
		mpnic_toe_unreserve(eng);
		goto out_free;
	}
	mpnic_toe_sock_take(sk, conn);
	/*
	 * A port stopping meanwhile looks for its connections after it took
	 * its queue from the engine (mpnic_hqs_close()): either it found this
	 * one, or this finds the queue gone. pairs with synchronize_net()
	 * there; the entry was inserted under the table's lock.
	 */
	smp_mb();
	if (!rcu_access_pointer(eng->hq[port->idx]))
		mpnic_toe_request(conn, MPNIC_TOE_REQ_ABORT);
out_free:
	kvfree(h.rcv_data);
	kvfree(h.snd_data);
	return mpnic_toe_count(port, err);
}

/* tcp_ulp_ops.init. Context: process context, socket locked */
static int mpnic_toe_ulp_init(struct sock *sk)
{
	struct dst_entry *dst = mpnic_toe_dst(sk);
	struct net_device *dev = mpnic_toe_dev(dst);
	struct mpnic_port *port;
	int err = -ENETUNREACH;

	if (!dev) {
		if (sk->sk_state != TCP_ESTABLISHED) {
			atomic64_inc(&mpnic_toe_no_peer);
			err = -ENOTCONN;
		} else {
			atomic64_inc(&mpnic_toe_no_route);
		}
		goto out_dst_release;
	}
	port = netdev_priv(dev);
	mutex_lock(&mpnic_cards_lock);
	/* A port leaving its card, or down, is no route to offload through */
	if (port->card && port->card->ports[port->idx] == port && netif_running(dev))
		err = mpnic_toe_handoff(sk, port, dst);
	else
		atomic64_inc(&mpnic_toe_no_route);
	mutex_unlock(&mpnic_cards_lock);
	dev_put(dev);
out_dst_release:
	dst_release(dst);
	return err;
}

/*
 * The engines build their frames for the next hop's address: a neighbour
 * update (a new address, resolved again) reaches the connections that go
 * through it. Context: the neighbour layer's, atomic.
 */
static int mpnic_toe_netevent(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct neighbour *n = ptr;
	struct mpnic_port *port;
	struct mpnic_card *card;
	u8 mac[ETH_ALEN];
	u32 i;

	if (event != NETEVENT_NEIGH_UPDATE || !mpnic_is_port(n->dev) ||
	    !(READ_ONCE(n->nud_state) & NUD_VALID))
		return NOTIFY_DONE;
	port = netdev_priv(n->dev);
	card = port->card;
	neigh_ha_snapshot(mac, n, n->dev);
	/* A reload swaps the engines under stats_lock, as the stats read them */
	spin_lock_bh(&card->stats_lock);
	for (i = 0; i < card->num_engines; i++)
		mpnic_toe_neigh_update(card->engines[i], port->idx, n->primary_key,
				       n->tbl->key_len, mac);
	spin_unlock_bh(&card->stats_lock);
	return NOTIFY_DONE;
}

static struct notifier_block mpnic_toe_netevent_nb = {
	.notifier_call = mpnic_toe_netevent,
};

static struct tcp_ulp_ops mpnic_toe_ulp_ops __read_mostly = {
	.name	= MPNIC_DRV_NAME,
	.owner	= THIS_MODULE,
	.init	= mpnic_toe_ulp_init,
};

/* debugfs mpnic/toe_unrouted: the refusals of mpnic_toe_ulp_init() no port counts */
int mpnic_toe_unrouted_show(struct seq_file *m, void *v)
{
	seq_printf(m, "not_established %lld\n", atomic64_read(&mpnic_toe_no_peer));
	seq_printf(m, "no_route %lld\n", atomic64_read(&mpnic_toe_no_route));
	seq_printf(m, "backlog_dropped %lld\n", atomic64_read(&mpnic_toe_backlog));
	return 0;
}

int mpnic_toe_init(void)
{
	int err;

	err = register_netevent_notifier(&mpnic_toe_netevent_nb);
	if (err)
		return err;
	err = tcp_register_ulp(&mpnic_toe_ulp_ops);
	if (err)
		unregister_netevent_notifier(&mpnic_toe_netevent_nb);
	return err;
}

void mpnic_toe_exit(void)
{
	tcp_unregister_ulp(&mpnic_toe_ulp_ops);
	unregister_netevent_notifier(&mpnic_toe_netevent_nb);
}

MODULE_ALIAS_TCP_ULP(MPNIC_DRV_NAME);
