package kit

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestLifecycle(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		failStart string
		wantStart []string // log after Start
		wantAll   []string // log after Stop
		wantErr   bool
	}{
		{name: "starts in order, stops in reverse", wantStart: []string{"+a", "+b", "+c"}, wantAll: []string{"+a", "+b", "+c", "-c", "-b", "-a"}},
		{name: "a failed start stops the started ones", failStart: "c", wantStart: []string{"+a", "+b", "-b", "-a"}, wantAll: []string{"+a", "+b", "-b", "-a"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var log []string
			var l Lifecycle
			for _, n := range []string{"a", "b", "c"} {
				l.Add(n, func(context.Context) error {
					if n == tc.failStart {
						return boom
					}
					log = append(log, "+"+n)
					return nil
				}, func(context.Context) error {
					log = append(log, "-"+n)
					return nil
				})
			}
			err := l.Start(context.Background())
			if (err != nil) != tc.wantErr || (err != nil && !errors.Is(err, boom)) {
				t.Fatalf("Start error = %v", err)
			}
			if !reflect.DeepEqual(log, tc.wantStart) {
				t.Fatalf("after Start %v, want %v", log, tc.wantStart)
			}
			if err := l.Stop(context.Background()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(log, tc.wantAll) {
				t.Fatalf("after Stop %v, want %v", log, tc.wantAll)
			}
		})
	}
}
