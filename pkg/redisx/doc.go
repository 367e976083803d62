// Package redisx connects go-redis clients and starts the in-process
// Redis-protocol server (miniredis) of the embedded mode.
package redisx
