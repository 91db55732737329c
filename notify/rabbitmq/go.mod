module github.com/ticketkit/ticketkit/notify/rabbitmq

go 1.26.0

require github.com/ticketkit/ticketkit v0.1.0

require (
	github.com/klauspost/compress v1.20.0 // indirect
	github.com/nats-io/nats.go v1.56.0 // indirect
	github.com/nats-io/nkeys v0.4.16 // indirect
	github.com/nats-io/nuid v1.0.1 // indirect
	github.com/rabbitmq/amqp091-go v1.17.0 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

// The adapter builds against the library next to it; hosts require both
// modules at released versions, where this line has no effect.
replace github.com/ticketkit/ticketkit => ../../
