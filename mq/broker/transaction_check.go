package broker

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/mq/store"
)

// runTransactionCheck asks producers about unresolved half messages every
// transactionCheckInterval until the broker stops.
func (b *Broker) runTransactionCheck() {
	interval := time.Duration(b.cfg.TransactionCheckInterval) * time.Millisecond
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-b.ctx.Done():
			if err := b.trans.save(); err != nil {
				b.log.Error("broker: persist transaction state", "err", err)
			}
			return
		case <-t.C:
			if err := b.checkTransactions(); err != nil {
				b.log.Error("broker: transaction check", "err", err)
			}
			if err := b.trans.save(); err != nil {
				b.log.Error("broker: persist transaction state", "err", err)
			}
		}
	}
}

// checkTransactions runs one check round over the unresolved half
// messages that are past their immunity time. A message checked
// transactionCheckMax times is given up. With no live producer of its group
// a message waits for the next round without being counted.
func (b *Broker) checkTransactions() error {
	maxOff := b.store.MaxOffset(route.TransHalfTopic, 0)
	from := b.trans.advance(maxOff)
	now := b.now().UnixMilli()
	for off := from; off < maxOff; {
		res, err := b.store.GetMessages(route.TransHalfTopic, 0, off, 32, 1<<20, 0, nil)
		if err != nil {
			return err
		}
		if res.Status != store.Found {
			off = max(res.NextBeginOffset, off+1)
			continue
		}
		for _, rec := range res.Records {
			m, _, err := message.Decode(rec)
			if err != nil {
				return err
			}
			b.checkHalf(&m, now)
		}
		off = res.NextBeginOffset
	}
	return nil
}

func (b *Broker) checkHalf(m *message.Message, now int64) {
	if b.trans.isResolved(m.QueueOffset) {
		return
	}
	immunity := b.cfg.TransactionTimeOut
	if v, ok := message.Property(m.Properties, message.PropCheckImmunitySecs); ok {
		if s, err := strconv.ParseInt(v, 10, 64); err == nil && s > 0 {
			immunity = s * 1000
		}
	}
	if now-m.BornTimestamp < immunity {
		return
	}
	if b.trans.checks(m.QueueOffset) >= b.cfg.TransactionCheckMax {
		b.log.Warn("broker: half message checked too often, parked in "+route.TransCheckMaxTopic,
			"queueOffset", m.QueueOffset, "checks", b.cfg.TransactionCheckMax)
		if err := b.trans.giveUp(m); err != nil {
			b.log.Error("broker: park half message", "err", err)
		}
		return
	}
	group, _ := message.Property(m.Properties, message.PropProducerGroup)
	conns := b.clients.producerConns(group)
	if len(conns) == 0 {
		return
	}
	n := b.trans.countCheck(m.QueueOffset)
	if err := b.sendCheck(conns[rand.IntN(len(conns))], m, n); err != nil {
		b.log.Warn("broker: send transaction check", "group", group, "err", err)
	}
}

// sendCheck sends CHECK_TRANSACTION_STATE for a half message: the message
// as it will be delivered (real topic and queue) with its check count.
func (b *Broker) sendCheck(c *remoting.Conn, half *message.Message, n int) error {
	uniq, _ := message.Property(half.Properties, message.PropUniqKey)
	txID := uniq
	if v, ok := message.Property(half.Properties, "__transactionId__"); ok && v != "" {
		txID = v
	}
	m := *half
	m.Topic, _ = message.Property(half.Properties, message.PropRealTopic)
	qs, _ := message.Property(half.Properties, message.PropRealQueueID)
	if q, err := strconv.Atoi(qs); err == nil {
		m.QueueID = int32(q)
	}
	m.Properties = message.WithProperty(half.Properties, message.PropTransactionCheckN, strconv.Itoa(n))
	body, err := message.AppendRecord(nil, &m)
	if err != nil {
		return err
	}
	req := remoting.NewRequest(remoting.CheckTransactionState, map[string]string{
		"tranStateTableOffset": strconv.FormatInt(half.QueueOffset, 10),
		"commitLogOffset":      strconv.FormatInt(half.PhysicalOffset, 10),
		"msgId":                uniq,
		"transactionId":        txID,
		"offsetMsgId":          half.OffsetMsgID(),
	}, body)
	return c.InvokeOneway(req)
}
