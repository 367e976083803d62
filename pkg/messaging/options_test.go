package messaging

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"
)

func TestOptionsInvalid(t *testing.T) {
	check := func(context.Context, Delivery) TxState { return TxUnknown }
	tests := []struct {
		name  string
		ns    []string
		group string
		check Checker
	}{
		{"no name servers", nil, "g", check},
		{"no port", []string{"127.0.0.1"}, "g", check},
		{"empty host", []string{":9876"}, "g", check},
		{"no group", []string{"127.0.0.1:9876"}, "", check},
		{"bad group", []string{"127.0.0.1:9876"}, "a b", check},
		{"no checker", []string{"127.0.0.1:9876"}, "g", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewTxProducer(ProducerOptions{NameServers: tt.ns, Group: tt.group}, tt.check); !errors.Is(err, ErrInvalidOptions) {
				t.Errorf("NewTxProducer error = %v, want ErrInvalidOptions", err)
			}
			if tt.check == nil {
				return
			}
			if _, err := NewProducer(ProducerOptions{NameServers: tt.ns, Group: tt.group}); !errors.Is(err, ErrInvalidOptions) {
				t.Errorf("NewProducer error = %v, want ErrInvalidOptions", err)
			}
			if _, err := NewConsumer(ConsumerOptions{NameServers: tt.ns, Group: tt.group}); !errors.Is(err, ErrInvalidOptions) {
				t.Errorf("NewConsumer error = %v, want ErrInvalidOptions", err)
			}
		})
	}
}

func TestProducerOptionsDefaults(t *testing.T) {
	ns := []string{"127.0.0.1:9876"}
	tests := []struct {
		name        string
		in          ProducerOptions
		timeout     time.Duration
		retries     int
		instanceFor string // "" means the given InstanceName is kept
	}{
		{"zero", ProducerOptions{NameServers: ns, Group: "g"}, 3 * time.Second, 2, "g"},
		{"no retries", ProducerOptions{NameServers: ns, Group: "g", Retries: -1, SendTimeout: time.Second}, time.Second, 0, "g"},
		{"given", ProducerOptions{NameServers: ns, Group: "g", Retries: 5, InstanceName: "mine"}, 3 * time.Second, 5, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := tt.in.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			if o.SendTimeout != tt.timeout || o.Retries != tt.retries || o.Logger == nil {
				t.Errorf("got timeout %v retries %d logger %v", o.SendTimeout, o.Retries, o.Logger)
			}
			checkInstanceName(t, o.InstanceName, tt.in.InstanceName, tt.instanceFor)
		})
	}
}

func TestConsumerOptionsDefaults(t *testing.T) {
	ns := []string{"127.0.0.1:9876"}
	tests := []struct {
		name       string
		in         ConsumerOptions
		reconsume  int32
		goroutines int
	}{
		{"zero", ConsumerOptions{NameServers: ns, Group: "g"}, 16, 20},
		{"given", ConsumerOptions{NameServers: ns, Group: "g", MaxReconsumeTimes: 3, Goroutines: 2}, 3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := tt.in.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			if o.MaxReconsumeTimes != tt.reconsume || o.Goroutines != tt.goroutines || o.Logger == nil {
				t.Errorf("got reconsume %d goroutines %d logger %v", o.MaxReconsumeTimes, o.Goroutines, o.Logger)
			}
			checkInstanceName(t, o.InstanceName, "", "g")
		})
	}
}

// checkInstanceName checks a default instance name (group@pid#n) or a
// given one.
func checkInstanceName(t *testing.T, got, given, group string) {
	t.Helper()
	if group == "" {
		if got != given {
			t.Errorf("InstanceName = %q, want %q", got, given)
		}
		return
	}
	want := regexp.MustCompile("^" + regexp.QuoteMeta(fmt.Sprintf("%s@%d#", group, os.Getpid())) + "[0-9]+$")
	if !want.MatchString(got) {
		t.Errorf("InstanceName = %q, want %s", got, want)
	}
}

func TestInstanceNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		n := newInstanceName("g")
		if seen[n] {
			t.Fatalf("%q made twice", n)
		}
		seen[n] = true
	}
}

func TestResolveNameServers(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []string
		wantErr error
	}{
		{"ip", []string{"127.0.0.1:9876", "10.0.0.2:9877"}, []string{"127.0.0.1:9876", "10.0.0.2:9877"}, nil},
		{"localhost", []string{"localhost:9876"}, []string{"127.0.0.1:9876"}, nil},
		{"no port", []string{"127.0.0.1"}, nil, ErrInvalidOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolveNameServers(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
