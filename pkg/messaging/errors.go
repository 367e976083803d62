package messaging

import "errors"

// Sentinel errors; match them with errors.Is.
var (
	// ErrInvalidOptions means ProducerOptions or ConsumerOptions failed
	// validation.
	ErrInvalidOptions = errors.New("messaging: invalid options")
	// ErrInvalidMessage means a Message cannot be sent as it is: no or a
	// bad topic, an empty body, a key with a space, a negative delay level,
	// a reserved or malformed property.
	ErrInvalidMessage = errors.New("messaging: invalid message")
	// ErrNotStarted means Send was called before Start.
	ErrNotStarted = errors.New("messaging: not started")
	// ErrShutdown means the producer or consumer was shut down.
	ErrShutdown = errors.New("messaging: shut down")
	// ErrShutdownTimeout means a consumer's client did not close within
	// ConsumerOptions.ShutdownTimeout (a broker it must commit to is down).
	ErrShutdownTimeout = errors.New("messaging: shutdown timed out")
	// ErrSendFailed means the broker did not store a message with
	// SEND_OK; it wraps the client's error when there is one.
	ErrSendFailed = errors.New("messaging: send failed")
	// ErrSubscription means a Subscribe call was refused: after Start, a
	// topic subscribed twice, a bad topic or no handler; or Start with no
	// subscription.
	ErrSubscription = errors.New("messaging: bad subscription")
	// ErrHandlerPanic means a Handler or Checker panicked; the panic was
	// recovered and treated as an error.
	ErrHandlerPanic = errors.New("messaging: handler panicked")
	// ErrTopics means EnsureTopics could not make every topic routable on
	// every broker.
	ErrTopics = errors.New("messaging: ensure topics")
)
