// Package shopsteps holds the steps the saga suite (tests/saga) and the
// e2e suite (tests/e2e) take against a running shop through its HTTP API:
// place, wait for, pay and inspect orders, read stock, and run the payment
// versus timeout race. Every step takes a testing.TB and fails the test
// when the shop answers something else than the step expects.
package shopsteps
