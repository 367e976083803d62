package outbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/pkg/outbox"
)

func TestAdd(t *testing.T) {
	ok := record("order:cancelled/SN1/3")
	with := func(f func(r *outbox.Record)) outbox.Record {
		r := ok
		r.Keys = append([]string(nil), ok.Keys...)
		f(&r)
		return r
	}
	tests := []struct {
		name     string
		rec      outbox.Record
		want     error
		wantRows int64
		wantKeys string
	}{
		{name: "ok", rec: ok, wantRows: 1, wantKeys: "order:cancelled/SN1/3 SN1"},
		{name: "default keys", rec: with(func(r *outbox.Record) { r.Keys = nil }), wantRows: 1, wantKeys: "order:cancelled/SN1/3"},
		{name: "no event id", rec: with(func(r *outbox.Record) { r.EventID = "" }), want: outbox.ErrBadRecord},
		{name: "long event id", rec: with(func(r *outbox.Record) { r.EventID = strings.Repeat("e", 161) }), want: outbox.ErrBadRecord},
		{name: "no topic", rec: with(func(r *outbox.Record) { r.Topic = "" }), want: outbox.ErrBadRecord},
		{name: "key with space", rec: with(func(r *outbox.Record) { r.Keys = []string{"a b"} }), want: outbox.ErrBadRecord},
		{name: "empty key", rec: with(func(r *outbox.Record) { r.Keys = []string{""} }), want: outbox.ErrBadRecord},
		{name: "keys too long", rec: with(func(r *outbox.Record) { r.Keys = []string{strings.Repeat("k", 256)} }), want: outbox.ErrBadRecord},
		{name: "empty body", rec: with(func(r *outbox.Record) { r.Body = nil }), want: outbox.ErrBadRecord},
		{name: "huge body", rec: with(func(r *outbox.Record) { r.Body = make([]byte, outbox.MaxBodyBytes+1) }), want: outbox.ErrBadRecord},
		{name: "negative delay", rec: with(func(r *outbox.Record) { r.DelayLevel = -1 }), want: outbox.ErrBadRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
				err := outbox.Add(context.Background(), gdb, tt.rec)
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v, want %v", err, tt.want)
				}
				if n := rows(t, gdb); n != tt.wantRows {
					t.Fatalf("rows = %d, want %d", n, tt.wantRows)
				}
				if tt.wantKeys != "" {
					var keys string
					gdb.Raw("SELECT msg_keys FROM outbox_events").Scan(&keys)
					if keys != tt.wantKeys {
						t.Fatalf("msg_keys = %q, want %q", keys, tt.wantKeys)
					}
				}
			})
		})
	}
}

func TestAddSameEventTwice(t *testing.T) {
	dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
		for range 2 {
			if err := outbox.Add(context.Background(), gdb, record("e1")); err != nil {
				t.Fatal(err)
			}
		}
		if n := rows(t, gdb); n != 1 {
			t.Fatalf("rows = %d, want 1", n)
		}
	})
}
