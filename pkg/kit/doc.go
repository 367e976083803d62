// Package kit holds the transport plumbing the three services share: config
// loading with environment placeholders, kratos HTTP and gRPC servers with
// the same middleware and JSON conventions, a gRPC dialer, and Lifecycle,
// which starts and stops a service's background workers with its servers.
//
// JSON on the HTTP API follows one convention everywhere: field names are
// the proto field names (snake_case), every field is present, 64-bit
// integers are JSON numbers (amounts are int64 cents, and protojson would
// quote them), enums are their names, and errors are kratos error bodies
// {"code","reason","message","metadata"}.
package kit
