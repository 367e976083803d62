package event

import "testing"

func TestTypeTopicTag(t *testing.T) {
	tests := []struct {
		typ        Type
		topic, tag string
		valid      bool
	}{
		{OrderCreated, TopicOrder, "created", true},
		{OrderTimeout, TopicOrder, "timeout", true},
		{OrderPaid, TopicOrder, "paid", true},
		{OrderCancelled, TopicOrder, "cancelled", true},
		{StockReserved, TopicStock, "reserved", true},
		{StockRejected, TopicStock, "rejected", true},
		{PaymentSucceeded, TopicPayment, "succeeded", true},
		{PaymentRefunded, TopicPayment, "refunded", true},
		{"order:shipped", TopicOrder, "shipped", false},
		{"order", TopicOrder, "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			if got := tt.typ.Topic(); got != tt.topic {
				t.Errorf("Topic() = %q, want %q", got, tt.topic)
			}
			if got := tt.typ.Tag(); got != tt.tag {
				t.Errorf("Tag() = %q, want %q", got, tt.tag)
			}
			if got := tt.typ.Valid(); got != tt.valid {
				t.Errorf("Valid() = %v, want %v", got, tt.valid)
			}
		})
	}
}

func TestTypesAreValid(t *testing.T) {
	seen := map[Type]bool{}
	for _, typ := range Types() {
		if !typ.Valid() {
			t.Errorf("%q listed by Types but not Valid", typ)
		}
		if seen[typ] {
			t.Errorf("%q listed twice", typ)
		}
		seen[typ] = true
	}
	if len(seen) != 8 {
		t.Errorf("Types() has %d types, want 8", len(seen))
	}
}

func TestID(t *testing.T) {
	tests := []struct {
		name    string
		typ     Type
		sn      string
		version int64
		want    string
	}{
		{"created", OrderCreated, "SN1", 1, "order:created/SN1/1"},
		{"timeout", OrderTimeout, "20261121-ab", 1, "order:timeout/20261121-ab/1"},
		{"refunded", PaymentRefunded, "X", 42, "payment:refunded/X/42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ID(tt.typ, tt.sn, tt.version); got != tt.want {
				t.Errorf("ID = %q, want %q", got, tt.want)
			}
		})
	}
}
