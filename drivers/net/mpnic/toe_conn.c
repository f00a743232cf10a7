// SPDX-License-Identifier: GPL-2.0
/*
 * The engine side of an offloaded TCP connection (a TOE): the engine's TCP
 * (tcp.h) fed with the segments its table takes, its timers run by the
 * engine's kthread, the headers built here from the template taken at the
 * handoff, and the bytes moved between card memory and the rings the host
 * socket posts (toe_sock.c), as the rest of the datapath moves frames:
 * copies by the engine, an event per connection on its host queue, and
 * the queue's interrupt.
 *
 * Everything in struct mpnic_tcb is the engine's alone; the host reaches
 * the connection through conn->req (a request bit, the connection on the
 * engine's toe_work list, the doorbell) and reads conn->status, conn->err
 * and the published view.
 */

#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "mpnic.h"
#include "toe.h"

/* The engine's TCP clock: microseconds of the clock Linux's TCP uses */
u64 mpnic_toe_now(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

static void mpnic_toe_conn_free_rcu(struct rcu_head *rcu)
{
	struct mpnic_toe_conn *conn = container_of(rcu, struct mpnic_toe_conn, rcu);

	kvfree(conn->htx.buf);
	kvfree(conn->hrx.buf);
	kvfree(conn->snd_mem);
	kvfree(conn->rcv_mem);
	kfree(conn);
}

/*
 * The last reference: the card memory goes back to its engine's partition
 * at once, the rest after the readers under RCU (engine lookups, events).
 */
void mpnic_toe_conn_free(struct mpnic_toe_conn *conn)
{
	atomic64_sub(conn->snd_size + conn->rcv_size, &conn->eng->toe.mem);
	call_rcu(&conn->rcu, mpnic_toe_conn_free_rcu);
}

void mpnic_toe_conn_put(struct mpnic_toe_conn *conn)
{
	if (refcount_dec_and_test(&conn->refs))
		mpnic_toe_conn_free(conn);
}

/**
 * mpnic_toe_request - ask the engine for something, and ring its doorbell
 * @conn: the connection; the caller holds a reference
 * @req: MPNIC_TOE_REQ_*
 *
 * Context: any.
 */
void mpnic_toe_request(struct mpnic_toe_conn *conn, int req)
{
	struct mpnic_engine *eng = conn->eng;

	set_bit(req, &conn->req);
	/* The engine clears QUEUED before it reads the requests: a request
	 * set after it read them finds QUEUED clear and queues again
	 */
	if (test_and_set_bit(MPNIC_TOE_REQ_QUEUED, &conn->req))
		return;
	/* The list's reference: the engine puts it after the pass */
	refcount_inc(&conn->refs);
	llist_add(&conn->work_node, &eng->toe_work);
	mpnic_engine_kick(eng);
}

/* Ethernet and IP headers as the socket's own transmit would build them */
static void mpnic_toe_template(struct mpnic_toe_conn *conn, const struct mpnic_toe_handoff *h,
			       const u8 *src_mac)
{
	struct ethhdr *eth = (struct ethhdr *)conn->hdr;

	ether_addr_copy(eth->h_dest, h->nh_mac);
	ether_addr_copy(eth->h_source, src_mac);
	if (!conn->ipv6) {
		struct iphdr *iph = (struct iphdr *)(eth + 1);

		eth->h_proto = htons(ETH_P_IP);
		iph->version = 4;
		iph->ihl = 5;
		iph->tos = h->tos;
		iph->frag_off = htons(IP_DF);
		iph->ttl = h->ttl;
		iph->protocol = IPPROTO_TCP;
		/* The key is as received: its destination is our address */
		memcpy(&iph->saddr, h->key.daddr, 4);
		memcpy(&iph->daddr, h->key.saddr, 4);
		conn->hdr_len = ETH_HLEN + sizeof(*iph);
	} else {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)(eth + 1);
		__be32 label = h->flowlabel & IPV6_FLOWLABEL_MASK;

		/* An automatic label, as ip6_make_flowlabel() derives one */
		if (!label)
			label = (__force __be32)rol32(h->txhash, 16) & IPV6_FLOWLABEL_MASK;
		eth->h_proto = htons(ETH_P_IPV6);
		ip6_flow_hdr(ip6h, h->tos, label);
		ip6h->nexthdr = IPPROTO_TCP;
		ip6h->hop_limit = h->ttl;
		memcpy(&ip6h->saddr, h->key.daddr, 16);
		memcpy(&ip6h->daddr, h->key.saddr, 16);
		conn->hdr_len = ETH_HLEN + sizeof(*ip6h);
	}
}

static void mpnic_toe_tcp_handoff(const struct mpnic_toe_handoff *h, struct mpnic_tcp_handoff *th)
{
	th->snd_una = h->snd_una;
	th->snd_nxt = h->snd_nxt;
	th->snd_wnd = h->snd_wnd;
	th->snd_wl1 = h->snd_wl1;
	th->snd_wl2 = h->snd_una;
	th->max_window = h->max_window;
	th->rcv_nxt = h->rcv_nxt;
	th->rcv_wnd = h->rcv_wnd;
	th->mss = h->mss;
	th->rcv_mss = h->rcv_mss;
	th->snd_wscale = h->snd_wscale;
	th->rcv_wscale = h->rcv_wscale;
	th->ts_on = h->ts_on;
	th->ts_recent = h->ts_recent;
	th->ts_offset = h->ts_offset;
	th->sack_ok = h->sack_ok;
	th->nodelay = h->nodelay;
	th->cork = h->cork;
	th->keep = h->keep;
	th->cwnd = h->cwnd;
	th->ssthresh = h->ssthresh;
	th->srtt_us = h->srtt_us;
	th->rttvar_us = h->rttvar_us;
	th->snd_queued = h->snd_len;
	th->rcv_queued = h->rcv_len;
}

static int mpnic_toe_hring_init(struct mpnic_toe_hring *r, u32 size)
{
	r->buf = kvmalloc(size, GFP_KERNEL);
	if (!r->buf)
		return -ENOMEM;
	r->size = size;
	r->prod = 0;
	r->cons = 0;
	return 0;
}

/**
 * mpnic_toe_attach - hand a connection to its engine
 * @eng: the owner; a place in its table is reserved for the caller
 * @h: the snapshot, valid for the call only
 * @port: the port it leaves by
 *
 * Card memory for the connection's rings comes from the engine's share
 * (devlink param toe_mem_mb): -ENOBUFS when it is short. The connection
 * is in the table when this returns: the engine takes the segments from
 * here, and the connection into its list at its next pass.
 *
 * Context: process context, may sleep; the socket is locked.
 * Return: the connection, with a reference for the caller (the socket);
 * else an ERR_PTR, nothing changed and the reservation still the caller's.
 */
struct mpnic_toe_conn *mpnic_toe_attach(struct mpnic_engine *eng,
					const struct mpnic_toe_handoff *h,
					struct mpnic_port *port)
{
	struct mpnic_card *card = eng->card;
	u64 limit = (u64)READ_ONCE(card->toe_mem_mb) << 20;
	struct mpnic_tcp_handoff th = {};
	struct mpnic_toe_conn *conn;
	u32 snd, rcv;
	int err;

	if (!h->nh_valid)
		return ERR_PTR(-EHOSTUNREACH);
	snd = max_t(u32, READ_ONCE(card->toe_sndbuf_kb) << 10, h->snd_len);
	rcv = max_t(u32, READ_ONCE(card->toe_rcvbuf_kb) << 10, h->rcv_len + h->rcv_wnd);
	if (atomic64_add_return(snd + rcv, &eng->toe.mem) > limit) {
		atomic64_sub(snd + rcv, &eng->toe.mem);
		return ERR_PTR(-ENOBUFS);
	}
	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn) {
		atomic64_sub(snd + rcv, &eng->toe.mem);
		return ERR_PTR(-ENOMEM);
	}
	conn->eng = eng;
	conn->snd_size = snd;
	conn->rcv_size = rcv;
	conn->key = h->key;
	conn->port = h->key.port;
	conn->mport = port;
	conn->ipv6 = h->key.l3 == 6;
	conn->nodelay = h->nodelay;
	conn->cork = h->cork;
	spin_lock_init(&conn->keep_lock);
	conn->keep = h->keep;
	conn->ip_id = get_random_u16();
	spin_lock_init(&conn->nh_lock);
	memcpy(conn->nh_addr, h->nh_addr, sizeof(conn->nh_addr));
	conn->nh_len = h->nh_len;
	refcount_set(&conn->refs, 2);	/* the socket's and the engine's */
	seqcount_init(&conn->view_seq);
	INIT_LIST_HEAD(&conn->list);
	mpnic_toe_template(conn, h, port->netdev->dev_addr);

	err = -ENOMEM;
	conn->snd_mem = kvmalloc(snd, GFP_KERNEL);
	conn->rcv_mem = kvmalloc(rcv, GFP_KERNEL);
	if (!conn->snd_mem || !conn->rcv_mem)
		goto err_free;
	if (mpnic_toe_hring_init(&conn->htx, MPNIC_TOE_HOST_RING) ||
	    mpnic_toe_hring_init(&conn->hrx, MPNIC_TOE_HOST_RING))
		goto err_free;

	mpnic_toe_tcp_handoff(h, &th);
	err = mpnic_tcp_init(&conn->tcb, &th, conn->snd_mem, snd, conn->rcv_mem, rcv,
			     mpnic_toe_now());
	if (err)
		goto err_free;
	/* What the socket held: the engine's now, as if it had received it */
	mpnic_tcp_ring_append(&conn->tcb.snd, h->snd_data, h->snd_len);
	mpnic_tcp_ring_append(&conn->tcb.rcv, h->rcv_data, h->rcv_len);

	err = mpnic_toe_insert(eng, &h->key, conn);
	if (err)
		goto err_free;
	mpnic_toe_request(conn, MPNIC_TOE_REQ_ATTACH);
	return conn;

err_free:
	kvfree(conn->htx.buf);
	kvfree(conn->hrx.buf);
	kvfree(conn->snd_mem);
	kvfree(conn->rcv_mem);
	kfree(conn);
	atomic64_sub(snd + rcv, &eng->toe.mem);
	return ERR_PTR(err);
}

/* Tell the socket: through its queue's interrupt, or at once without one */
static void mpnic_toe_notify(struct mpnic_engine *eng, struct mpnic_toe_conn *conn)
{
	struct mpnic_hq *hq;

	set_bit(MPNIC_TOE_EV_WAKE, &conn->ev);
	if (test_and_set_bit(MPNIC_TOE_EV_QUEUED, &conn->ev))
		return;
	rcu_read_lock();
	hq = rcu_dereference(eng->hq[conn->port]);
	if (hq) {
		/* The event list's reference: mpnic_toe_hq_events() puts it */
		refcount_inc(&conn->refs);
		llist_add(&conn->ev_node, &hq->toe_ev);
		eng->toe_irq |= BIT(conn->port);
	}
	rcu_read_unlock();
	if (!hq) {
		struct llist_head one;

		init_llist_head(&one);
		refcount_inc(&conn->refs);
		llist_add(&conn->ev_node, &one);
		mpnic_toe_hq_events(&one);
	}
}

/* Wake whoever waits on the socket, for any of what the engine changed */
static void mpnic_toe_wake_sk(struct mpnic_toe_conn *conn)
{
	struct socket_wq *wq;
	struct sock *sk;

	rcu_read_lock();
	sk = rcu_dereference(conn->sk);
	if (sk) {
		wq = rcu_dereference(sk->sk_wq);
		if (skwq_has_sleeper(wq))
			wake_up_interruptible_poll(&wq->wait, EPOLLIN | EPOLLRDNORM | EPOLLOUT |
						   EPOLLWRNORM | EPOLLERR | EPOLLHUP |
						   EPOLLRDHUP);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_IN);
	}
	rcu_read_unlock();
}

/**
 * mpnic_toe_hq_events - the events an interrupt brought: wake the sockets
 * @evs: a host queue's toe_ev
 *
 * Context: NAPI poll, or a queue being closed (its NAPI disabled).
 */
void mpnic_toe_hq_events(struct llist_head *evs)
{
	struct mpnic_toe_conn *conn, *tmp;
	struct llist_node *list;

	list = llist_del_all(evs);
	llist_for_each_entry_safe(conn, tmp, list, ev_node) {
		clear_bit(MPNIC_TOE_EV_QUEUED, &conn->ev);
		/* pairs with test_and_set_bit() in mpnic_toe_notify(): an
		 * event set after this finds QUEUED clear and queues again
		 */
		smp_mb__after_atomic();
		if (test_and_clear_bit(MPNIC_TOE_EV_WAKE, &conn->ev))
			mpnic_toe_wake_sk(conn);
		mpnic_toe_conn_put(conn);
	}
}

/* The engine's stats from the connection's, by what changed since the last fold */
static void mpnic_toe_fold(struct mpnic_engine *eng, struct mpnic_toe_conn *conn)
{
	const u64 *cur = (const u64 *)&conn->tcb.stats;
	u64 *old = (u64 *)&conn->folded;
	u64 *dst = &eng->stats.toe_segs_in;
	u32 i;

	BUILD_BUG_ON(sizeof(struct mpnic_tcp_stats) !=
		     offsetof(struct mpnic_engine_stats, toe_drop_after_fin) + sizeof(u64) -
		     offsetof(struct mpnic_engine_stats, toe_segs_in));
	u64_stats_update_begin(&eng->stats.syncp);
	for (i = 0; i < sizeof(struct mpnic_tcp_stats) / sizeof(u64); i++) {
		if (cur[i] != old[i]) {
			WRITE_ONCE(dst[i], dst[i] + cur[i] - old[i]);
			old[i] = cur[i];
		}
	}
	u64_stats_update_end(&eng->stats.syncp);
}

/* What TCP_INFO and the dumps read, published under view_seq */
static void mpnic_toe_publish(struct mpnic_toe_conn *conn)
{
	const struct mpnic_tcb *tcb = &conn->tcb;
	struct mpnic_toe_view *v = &conn->view;

	write_seqcount_begin(&conn->view_seq);
	mpnic_tcp_get_info(tcb, &v->info);
	v->snd_una = tcb->snd_una;
	v->snd_nxt = tcb->snd_nxt;
	v->rcv_nxt = tcb->rcv_nxt;
	v->snd_wnd = tcb->snd_wnd;
	v->rcv_wnd = mpnic_tcp_rcv_window(tcb);
	v->snd_queued = tcb->snd.len;
	v->snd_unsent = mpnic_tcp_unsent(tcb);
	v->bytes_sent = tcb->stats.bytes_sent;
	v->retrans_segs = tcb->stats.retrans_segs;
	write_seqcount_end(&conn->view_seq);
}

/* Context: any; the caller holds a reference */
void mpnic_toe_read_view(struct mpnic_toe_conn *conn, struct mpnic_toe_view *view)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&conn->view_seq);
		*view = conn->view;
	} while (read_seqcount_retry(&conn->view_seq, seq));
}

/* Build one segment from the template and send it; a lost one is TCP's to resend */
static void mpnic_toe_xmit(struct mpnic_engine *eng, struct mpnic_toe_conn *conn,
			   struct net_device *wire, const struct mpnic_tcp_seg_out *seg)
{
	/* NOP NOP SACK LEN, then the blocks: 4 + 8 per block */
	u32 sacklen = seg->nsack ? 4 + seg->nsack * TCPOLEN_SACK_PERBLOCK : 0;
	u32 optlen = (seg->has_ts ? TCPOLEN_TSTAMP_ALIGNED : 0) + sacklen;
	u32 thl = sizeof(struct tcphdr) + optlen;
	u32 l4len = thl + seg->len;
	u32 len = conn->hdr_len + l4len;
	struct sk_buff *skb;
	struct tcphdr *th;
	__wsum csum;
	u8 *buf;

	if (unlikely(!wire)) {
		mpnic_stat_inc(&eng->stats, tx_no_wire);
		return;
	}
	skb = alloc_skb(len + NET_IP_ALIGN, GFP_ATOMIC);
	if (unlikely(!skb)) {
		mpnic_stat_inc(&eng->stats, tx_alloc_fail);
		return;
	}
	skb_reserve(skb, NET_IP_ALIGN);
	buf = skb_put(skb, len);
	memcpy(buf, conn->hdr, conn->hdr_len);
	th = (struct tcphdr *)(buf + conn->hdr_len);
	memset(th, 0, sizeof(*th));
	th->source = conn->key.dport;
	th->dest = conn->key.sport;
	th->seq = htonl(seg->seq);
	th->ack_seq = htonl(seg->ack);
	th->doff = thl / 4;
	((u8 *)th)[13] = seg->flags;
	th->window = htons(seg->wnd);
	if (seg->has_ts) {
		__be32 *opt = (__be32 *)(th + 1);

		opt[0] = htonl((TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) |
			       (TCPOPT_TIMESTAMP << 8) | TCPOLEN_TIMESTAMP);
		opt[1] = htonl(seg->tsval);
		opt[2] = htonl(seg->tsecr);
	}
	if (seg->nsack) {
		__be32 *opt = (__be32 *)((u8 *)th + thl - sacklen);
		u32 i;

		opt[0] = htonl((TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) | (TCPOPT_SACK << 8) |
			       (TCPOLEN_SACK_BASE + seg->nsack * TCPOLEN_SACK_PERBLOCK));
		for (i = 0; i < seg->nsack; i++) {
			opt[1 + 2 * i] = htonl(seg->sack[i].start);
			opt[2 + 2 * i] = htonl(seg->sack[i].end);
		}
	}
	if (seg->len)
		mpnic_tcp_ring_get(&conn->tcb.snd, seg->off, (u8 *)th + thl, seg->len);
	csum = csum_partial(th, l4len, 0);
	if (!conn->ipv6) {
		struct iphdr *iph = (struct iphdr *)(buf + ETH_HLEN);

		iph->tot_len = htons(sizeof(*iph) + l4len);
		iph->id = htons(conn->ip_id++);
		iph->check = 0;
		iph->check = ip_fast_csum(iph, iph->ihl);
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, l4len, IPPROTO_TCP, csum);
	} else {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)(buf + ETH_HLEN);

		ip6h->payload_len = htons(l4len);
		th->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, l4len, IPPROTO_TCP, csum);
	}
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb->protocol = eth_hdr(skb)->h_proto;
	skb->dev = wire;
	mpnic_engine_wire_out(eng, skb, 1, len);
}

/* Everything the TCP has to send now. Context: BH disabled */
static void mpnic_toe_output(struct mpnic_engine *eng, struct mpnic_toe_conn *conn, u64 now)
{
	struct mpnic_tcp_seg_out seg;
	struct net_device *wire;
	u32 n = 0;

	rcu_read_lock();
	wire = rcu_dereference(conn->mport->wire);
	while (mpnic_tcp_output(&conn->tcb, now, &seg)) {
		mpnic_toe_xmit(eng, conn, wire, &seg);
		/* the window and cwnd bound it; this bounds a bug */
		if (WARN_ON_ONCE(++n > 65536))
			break;
	}
	rcu_read_unlock();
}

/* DMA from the host's send ring into card memory, as far as the ring has room */
static bool mpnic_toe_pull_tx(struct mpnic_engine *eng, struct mpnic_toe_conn *conn)
{
	struct mpnic_toe_hring *r = &conn->htx;
	struct mpnic_tcb *tcb = &conn->tcb;
	/* pairs with smp_store_release() of prod in mpnic_toe_sendmsg() */
	u32 prod = smp_load_acquire(&r->prod);
	u32 avail = prod - r->cons;
	u32 n, done = 0;
	int got;

	if (!avail)
		return false;
	if (conn->status & (MPNIC_TOE_ST_RESET | MPNIC_TOE_ST_SENT_FIN)) {
		/* Nowhere to go: the writer is told by the status */
		n = avail;
	} else {
		n = min(avail, mpnic_tcp_ring_space(&tcb->snd));
		while (done < n) {
			u32 at = (r->cons + done) & (r->size - 1);
			u32 chunk = min(n - done, r->size - at);

			got = mpnic_tcp_write(tcb, r->buf + at, chunk);
			if (got <= 0)
				break;
			done += got;
		}
		n = done;
		mpnic_stat_add(&eng->stats, toe_bytes_from_host, n);
	}
	if (!n)
		return false;
	/* pairs with smp_load_acquire() of cons in mpnic_toe_sendmsg() */
	smp_store_release(&r->cons, r->cons + n);
	return true;
}

/* DMA of in-order bytes from card memory into the host's receive ring */
static bool mpnic_toe_push_rx(struct mpnic_engine *eng, struct mpnic_toe_conn *conn)
{
	struct mpnic_toe_hring *r = &conn->hrx;
	struct mpnic_tcb *tcb = &conn->tcb;
	/* pairs with smp_store_release() of cons in mpnic_toe_recvmsg() */
	u32 cons = smp_load_acquire(&r->cons);
	u32 n = min(tcb->rcv.len, r->size - (r->prod - cons));
	u32 done = 0;

	if (!n)
		return false;
	while (done < n) {
		u32 at = (r->prod + done) & (r->size - 1);
		u32 chunk = min(n - done, r->size - at);

		mpnic_tcp_ring_get(&tcb->rcv, done, r->buf + at, chunk);
		done += chunk;
	}
	/* pairs with smp_load_acquire() of prod in mpnic_toe_recvmsg() */
	smp_store_release(&r->prod, r->prod + n);
	mpnic_tcp_consumed(tcb, n);
	mpnic_stat_add(&eng->stats, toe_bytes_to_host, n);
	return true;
}

/* The actions of a call into the TCP */
static bool mpnic_toe_act(struct mpnic_engine *eng, struct mpnic_toe_conn *conn,
			  const struct mpnic_tcp_out *out)
{
	bool wake = false;

	if (out->act & MPNIC_TCP_ACT_EOF)
		conn->fin_in = true;
	if (out->act & MPNIC_TCP_ACT_RESET) {
		WRITE_ONCE(conn->err, out->err ? out->err : -ECONNRESET);
		wake = true;
	}
	if ((out->act & MPNIC_TCP_ACT_STATE) && out->state == MPNIC_TCB_TIME_WAIT)
		mpnic_stat_inc(&eng->stats, toe_time_wait);
	return wake;
}

/*
 * After anything happened to a connection: bytes both ways, what to send,
 * the status the host reads, its timer, its counters.
 * Context: engine kthread (or the engine's destroyer), BH disabled.
 */
static void mpnic_toe_service(struct mpnic_engine *eng, struct mpnic_toe_conn *conn,
			      bool wake, u64 now)
{
	struct mpnic_tcb *tcb = &conn->tcb;
	u32 status = conn->status;

	wake |= mpnic_toe_pull_tx(eng, conn);
	wake |= mpnic_toe_push_rx(eng, conn);
	/* pairs with smp_store_release() of prod in mpnic_toe_sendmsg() */
	if (conn->fin_pending && conn->htx.cons == smp_load_acquire(&conn->htx.prod)) {
		struct mpnic_tcp_out out = {};

		conn->fin_pending = false;
		if (conn->closing)
			mpnic_tcp_close(tcb, false, &out);
		else
			mpnic_tcp_shutdown(tcb, MPNIC_TCP_SHUT_WR, &out);
		wake |= mpnic_toe_act(eng, conn, &out);
	}
	mpnic_toe_output(eng, conn, now);

	if (conn->fin_in && !tcb->rcv.len)
		status |= MPNIC_TOE_ST_EOF;
	if (READ_ONCE(conn->err))
		status |= MPNIC_TOE_ST_RESET;
	if (tcb->state == MPNIC_TCB_CLOSED)
		eng->toe_closed = true;
	if (tcb->shut & MPNIC_TCP_SHUT_WR)
		status |= MPNIC_TOE_ST_SENT_FIN;
	if (status != conn->status) {
		/* err before status: pairs with smp_load_acquire() of status */
		smp_store_release(&conn->status, status);
		wake = true;
	}
	if (wake && !conn->closing)
		mpnic_toe_notify(eng, conn);

	conn->deadline = mpnic_tcp_next_deadline(tcb);
	if (conn->deadline && (!eng->toe_deadline || conn->deadline < eng->toe_deadline))
		eng->toe_deadline = conn->deadline;
	mpnic_toe_fold(eng, conn);
	mpnic_toe_publish(conn);
}

/* The TCP header's options that the engine reads: timestamps */
static void mpnic_toe_options(const u8 *opt, u32 len, struct mpnic_tcp_seg *seg)
{
	while (len) {
		u8 kind = opt[0], olen;

		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			opt++;
			len--;
			continue;
		}
		if (len < 2)
			return;
		olen = opt[1];
		if (olen < 2 || olen > len)
			return;
		if (kind == TCPOPT_TIMESTAMP && olen == TCPOLEN_TIMESTAMP) {
			seg->has_ts = true;
			seg->tsval = get_unaligned_be32(opt + 2);
			seg->tsecr = get_unaligned_be32(opt + 6);
		}
		opt += olen;
		len -= olen;
	}
}

/**
 * mpnic_toe_input - a segment for an offloaded connection
 * @eng: its engine
 * @conn: the connection its table found
 * @frame: the frame, checksums checked
 * @flow: the stack's parse
 *
 * Context: engine kthread, RCU read side; the frame is the engine's.
 */
void mpnic_toe_input(struct mpnic_engine *eng, struct mpnic_toe_conn *conn,
		     const u8 *frame, const struct mpnic_flow *flow)
{
	const u8 *th = frame + flow->l4_off;
	u32 end = flow->l3_off + flow->l3_len;
	struct mpnic_tcp_seg seg = {};
	struct mpnic_tcp_out out = {};
	u64 now = mpnic_toe_now();
	u32 thl;

	thl = (th[12] >> 4) * 4;
	if (unlikely(thl < sizeof(struct tcphdr) || flow->l4_off + thl > end)) {
		mpnic_stat_inc(&eng->stats, toe_drop_malformed);
		return;
	}
	seg.seq = get_unaligned_be32(th + 4);
	seg.ack = get_unaligned_be32(th + 8);
	seg.flags = th[13];
	seg.wnd = get_unaligned_be16(th + 14);
	seg.data = th + thl;
	seg.len = end - (flow->l4_off + thl);
	mpnic_toe_options(th + sizeof(struct tcphdr), thl - sizeof(struct tcphdr), &seg);

	local_bh_disable();
	mpnic_tcp_input(&conn->tcb, &seg, now, &out);
	mpnic_toe_service(eng, conn, mpnic_toe_act(eng, conn, &out), now);
	mpnic_engine_bh_enable(eng);
}

/* The connection is over: out of the table and the list, the engine's reference put */
static void mpnic_toe_unlink(struct mpnic_engine *eng, struct mpnic_toe_conn *conn)
{
	list_del_init(&conn->list);
	mpnic_toe_remove_entry(eng, &conn->key);
	mpnic_stat_inc(&eng->stats, toe_conns_closed);
	mpnic_toe_conn_put(conn);
}

/* The host's requests. Context: engine kthread, BH disabled */
static void mpnic_toe_requests(struct mpnic_engine *eng, struct mpnic_toe_conn *conn, u64 now)
{
	struct mpnic_tcb *tcb = &conn->tcb;
	struct mpnic_tcp_out out = {};
	bool wake = false;

	if (test_and_clear_bit(MPNIC_TOE_REQ_ATTACH, &conn->req)) {
		list_add_tail(&conn->list, &eng->toe_conns);
		mpnic_stat_inc(&eng->stats, toe_conns_attached);
	}
	if (test_and_clear_bit(MPNIC_TOE_REQ_NEIGH, &conn->req)) {
		spin_lock(&conn->nh_lock);
		ether_addr_copy(((struct ethhdr *)conn->hdr)->h_dest, conn->nh_next);
		spin_unlock(&conn->nh_lock);
	}
	if (test_and_clear_bit(MPNIC_TOE_REQ_NAGLE, &conn->req)) {
		tcb->nodelay = READ_ONCE(conn->nodelay);
		tcb->cork = READ_ONCE(conn->cork);
	}
	if (test_and_clear_bit(MPNIC_TOE_REQ_KEEPALIVE, &conn->req)) {
		struct mpnic_tcp_keepalive keep;

		spin_lock(&conn->keep_lock);
		keep = conn->keep;
		spin_unlock(&conn->keep_lock);
		mpnic_tcp_set_keepalive(tcb, &keep, now);
	}
	clear_bit(MPNIC_TOE_REQ_TX, &conn->req);
	clear_bit(MPNIC_TOE_REQ_RX, &conn->req);
	if (test_and_clear_bit(MPNIC_TOE_REQ_ABORT, &conn->req)) {
		conn->closing = true;
		if (tcb->state != MPNIC_TCB_CLOSED) {
			mpnic_tcp_close(tcb, true, &out);
			mpnic_stat_inc(&eng->stats, toe_conns_aborted);
		}
	} else if (test_and_clear_bit(MPNIC_TOE_REQ_CLOSE, &conn->req)) {
		conn->closing = true;
		conn->fin_pending = true;
	} else if (test_and_clear_bit(MPNIC_TOE_REQ_SHUT_WR, &conn->req)) {
		conn->fin_pending = true;
	}
	wake = mpnic_toe_act(eng, conn, &out);
	mpnic_toe_service(eng, conn, wake, now);
}

/* Reset a connection from the engine's side: RST to the peer, ECONNRESET to the host */
static void mpnic_toe_abort(struct mpnic_engine *eng, struct mpnic_toe_conn *conn, u64 now)
{
	struct mpnic_tcb *tcb = &conn->tcb;
	struct mpnic_tcp_out out = {};

	if (tcb->state == MPNIC_TCB_CLOSED)
		return;
	if (!conn->closing)
		WRITE_ONCE(conn->err, -ECONNRESET);
	mpnic_tcp_close(tcb, true, &out);
	/* TIME_WAIT has nothing to reset: it ends here, with its port */
	if (tcb->state != MPNIC_TCB_CLOSED)
		mpnic_tcp_set_state(tcb, MPNIC_TCB_CLOSED, now, &out);
	mpnic_stat_inc(&eng->stats, toe_conns_aborted);
	mpnic_toe_service(eng, conn, true, now);
}

/* The timers due, and the next deadline of all */
static void mpnic_toe_timers(struct mpnic_engine *eng, u64 now)
{
	struct mpnic_toe_conn *conn;

	eng->toe_deadline = 0;
	list_for_each_entry(conn, &eng->toe_conns, list) {
		if (conn->deadline && conn->deadline <= now) {
			struct mpnic_tcp_out out = {};

			mpnic_tcp_timer(&conn->tcb, now, &out);
			mpnic_toe_service(eng, conn, mpnic_toe_act(eng, conn, &out), now);
		} else if (conn->deadline &&
			   (!eng->toe_deadline || conn->deadline < eng->toe_deadline)) {
			eng->toe_deadline = conn->deadline;
		}
	}
}

/* Connections that reached CLOSED leave; those of a stopped port are reset first */
static void mpnic_toe_reap(struct mpnic_engine *eng, u32 stop, u64 now)
{
	struct mpnic_toe_conn *conn, *tmp;

	list_for_each_entry_safe(conn, tmp, &eng->toe_conns, list) {
		if (stop & BIT(conn->port))
			mpnic_toe_abort(eng, conn, now);
		if (conn->tcb.state == MPNIC_TCB_CLOSED)
			mpnic_toe_unlink(eng, conn);
	}
}

/* Raise the interrupt of each queue that got events in the pass */
static void mpnic_toe_irqs(struct mpnic_engine *eng)
{
	struct mpnic_hq *hq;
	u32 p;

	for (p = 0; eng->toe_irq; p++) {
		if (!(eng->toe_irq & BIT(p)))
			continue;
		eng->toe_irq &= ~BIT(p);
		hq = rcu_dereference(eng->hq[p]);
		if (hq)
			mpnic_engine_irq(hq);
	}
}

/**
 * mpnic_toe_poll - the engine's pass over its offloaded connections
 * @eng: the engine
 *
 * Context: engine kthread, RCU read side.
 * Return: connections handled.
 */
int mpnic_toe_poll(struct mpnic_engine *eng)
{
	struct mpnic_toe_conn *conn, *tmp;
	struct llist_node *list;
	u32 stop;
	u64 now;
	int n = 0;

	stop = atomic_xchg(&eng->toe_port_stop, 0);
	if (llist_empty(&eng->toe_work) && !stop &&
	    (!eng->toe_deadline || mpnic_toe_now() < eng->toe_deadline)) {
		/* The segments of the pass may have left events */
		if (eng->toe_irq)
			mpnic_toe_irqs(eng);
		return 0;
	}
	now = mpnic_toe_now();
	local_bh_disable();
	list = llist_reverse_order(llist_del_all(&eng->toe_work));
	llist_for_each_entry_safe(conn, tmp, list, work_node) {
		clear_bit(MPNIC_TOE_REQ_QUEUED, &conn->req);
		/* pairs with test_and_set_bit() in mpnic_toe_request() */
		smp_mb__after_atomic();
		mpnic_toe_requests(eng, conn, now);
		mpnic_toe_conn_put(conn);
		n++;
	}
	if (eng->toe_deadline && now >= eng->toe_deadline)
		mpnic_toe_timers(eng, now);
	if (stop || eng->toe_closed) {
		eng->toe_closed = false;
		mpnic_toe_reap(eng, stop, now);
	}
	mpnic_toe_irqs(eng);
	mpnic_engine_bh_enable(eng);
	return n ? n : (int)!!stop;
}

/**
 * mpnic_toe_neigh_update - a next hop's link-layer address changed
 * @eng: an engine of the port's card
 * @port: the port's index
 * @addr: the neighbour's key (its IPv4 or IPv6 address)
 * @len: 4 or 16
 * @mac: its address now
 *
 * The connections that leave through it build their frames for @mac from
 * the engine's next pass on.
 *
 * Context: any (the neighbour layer's notifier); the card's stats_lock
 * keeps @eng.
 */
void mpnic_toe_neigh_update(struct mpnic_engine *eng, u8 port, const void *addr, u8 len,
			    const u8 *mac)
{
	struct mpnic_toe_table *tbl = &eng->toe;
	struct mpnic_toe_entry *e;
	u32 b;

	if (!atomic_read(&tbl->used) || !tbl->buckets)
		return;
	rcu_read_lock();
	for (b = 0; b <= tbl->mask; b++) {
		hlist_for_each_entry_rcu(e, &tbl->buckets[b], node) {
			struct mpnic_toe_conn *conn = e->conn;

			if (e->key.port != port || conn->nh_len != len ||
			    memcmp(conn->nh_addr, addr, len))
				continue;
			spin_lock_bh(&conn->nh_lock);
			ether_addr_copy(conn->nh_next, mac);
			spin_unlock_bh(&conn->nh_lock);
			/* Only a connection still in the table: its reference holds */
			if (refcount_inc_not_zero(&conn->refs)) {
				mpnic_toe_request(conn, MPNIC_TOE_REQ_NEIGH);
				mpnic_toe_conn_put(conn);
			}
		}
	}
	rcu_read_unlock();
}

/* Context: any; whether the kthread has TCP work now */
bool mpnic_toe_has_work(struct mpnic_engine *eng)
{
	u64 deadline = READ_ONCE(eng->toe_deadline);

	return !llist_empty(&eng->toe_work) || atomic_read(&eng->toe_port_stop) ||
	       (deadline && mpnic_toe_now() >= deadline);
}

/**
 * mpnic_toe_port_stop - reset the connections of a port an engine stops serving
 * @eng: the engine
 * @port: the port's index
 *
 * The engine sends each a RST while the port's wire is still there, and
 * the application gets ECONNRESET; this waits for it (a second at most).
 *
 * Context: process context, RTNL held (the port's queues are leaving).
 */
void mpnic_toe_port_stop(struct mpnic_engine *eng, u8 port)
{
	unsigned long end = jiffies + HZ;

	if (!mpnic_toe_port_has(eng, port))
		return;
	atomic_or(BIT(port), &eng->toe_port_stop);
	mpnic_engine_kick(eng);
	while (mpnic_toe_port_has(eng, port) && time_before(jiffies, end))
		schedule_timeout_uninterruptible(1);
}

/**
 * mpnic_toe_engine_stop - reset every connection of an engine going away
 * @eng: the engine, its kthread stopped
 *
 * Context: process context.
 */
void mpnic_toe_engine_stop(struct mpnic_engine *eng)
{
	struct mpnic_toe_conn *conn, *tmp;
	struct llist_node *list;
	u64 now = mpnic_toe_now();

	local_bh_disable();
	rcu_read_lock();
	list = llist_reverse_order(llist_del_all(&eng->toe_work));
	llist_for_each_entry_safe(conn, tmp, list, work_node) {
		clear_bit(MPNIC_TOE_REQ_QUEUED, &conn->req);
		mpnic_toe_requests(eng, conn, now);
		mpnic_toe_conn_put(conn);
	}
	list_for_each_entry_safe(conn, tmp, &eng->toe_conns, list) {
		/* Its queues are gone: mpnic_toe_notify() wakes the socket itself */
		mpnic_toe_abort(eng, conn, now);
		mpnic_toe_unlink(eng, conn);
	}
	eng->toe_irq = 0;
	rcu_read_unlock();
	local_bh_enable();
}
