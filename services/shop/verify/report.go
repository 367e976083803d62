package verify

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Violation is one concrete breach of an invariant: the order, SKU or
// payment it is about, and what was expected versus what was read.
type Violation struct {
	OrderSN   string
	SKU       string
	PaymentSN string
	Expected  string
	Got       string
}

// key identifies the subject of v across readings (values may change).
func (v Violation) key() string { return v.OrderSN + "|" + v.SKU + "|" + v.PaymentSN }

// String formats v as "order_sn=X sku=Y: expected ..., got ...".
func (v Violation) String() string {
	var subj []string
	for _, f := range []struct{ k, v string }{{"order_sn", v.OrderSN}, {"sku", v.SKU}, {"payment_sn", v.PaymentSN}} {
		if f.v != "" {
			subj = append(subj, f.k+"="+f.v)
		}
	}
	return fmt.Sprintf("%s: expected %s, got %s", strings.Join(subj, " "), v.Expected, v.Got)
}

// Check is the outcome of one invariant.
type Check struct {
	Name        string // short id, e.g. "stock-balance"
	Description string
	Skipped     bool // not applicable (e.g. no Initial given)
	Violations  []Violation
}

// OK reports whether the invariant holds (or was skipped).
func (c *Check) OK() bool { return len(c.Violations) == 0 }

// Report is the result of Run: every invariant in a fixed order, with the
// violations of the last reading.
type Report struct {
	Checks                                 []Check
	Orders, Stocks, Reservations, Payments int // rows in the last reading
	Rounds                                 int // readings taken
	Elapsed                                time.Duration
}

// OK reports whether every invariant holds.
func (r *Report) OK() bool {
	for i := range r.Checks {
		if !r.Checks[i].OK() {
			return false
		}
	}
	return true
}

// Check returns the named check, nil if there is none.
func (r *Report) Check(name string) *Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

// maxListed bounds the violations Write prints per invariant.
const maxListed = 50

// Write prints r as readable text: one line per invariant and, under a
// failing one, its violations (at most maxListed each).
func (r *Report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "verify: %d orders, %d skus, %d reservations, %d payments; %d reading(s) in %s\n",
		r.Orders, r.Stocks, r.Reservations, r.Payments, r.Rounds, r.Elapsed.Round(time.Millisecond))
	failed, total := 0, 0
	for _, c := range r.Checks {
		status := "PASS"
		switch {
		case c.Skipped:
			status = "SKIP"
		case !c.OK():
			status = "FAIL"
			failed++
		}
		fmt.Fprintf(&b, "%s  %-20s %s", status, c.Name, c.Description)
		if n := len(c.Violations); n > 0 {
			fmt.Fprintf(&b, " (%d violation(s))", n)
		}
		b.WriteByte('\n')
		for i, v := range c.Violations {
			if i == maxListed {
				fmt.Fprintf(&b, "        ... and %d more\n", len(c.Violations)-maxListed)
				break
			}
			fmt.Fprintf(&b, "        %s\n", v)
		}
		total += len(c.Violations)
	}
	if failed == 0 {
		fmt.Fprintf(&b, "OK: all %d invariants hold\n", len(r.Checks))
	} else {
		fmt.Fprintf(&b, "FAILED: %d of %d invariants violated, %d violation(s)\n", failed, len(r.Checks), total)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
