package messaging

import (
	"context"
	"errors"
	"fmt"
)

// errAnnounce is the local result of Announce's half message.
var errAnnounce = errors.New("messaging: announce: rolled back on purpose")

// Announce makes the broker of topic know this producer's group at once,
// so that it sends check-backs here for half messages a previous run of
// the group left open (a crash between the half message and its commit).
//
// Client v2.1.2 announces a producer in its heartbeats only to brokers of
// topics it has sent to; a restarted producer that waits for its first
// order would leave the previous run's half messages unchecked until then.
// Announce sends one half message to topic, tag "announce", and rolls it
// back: consumers never see it. Call it after Start.
func (p *TxProducer) Announce(ctx context.Context, topic string) error {
	m := Message{Topic: topic, Tag: "announce", Body: []byte("announce")}
	err := p.SendInTransaction(ctx, m, func(context.Context) error { return errAnnounce })
	if err != nil && !errors.Is(err, errAnnounce) {
		return fmt.Errorf("messaging: announce %s on %s: %w", p.opts.Group, topic, err)
	}
	return nil
}
