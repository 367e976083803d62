package conf

import (
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

func TestDefault(t *testing.T) {
	t.Run("store under home", func(t *testing.T) {
		home := t.TempDir()
		t.Setenv("HOME", home)
		if got, want := Default().StorePathRootDir, filepath.Join(home, "store"); got != want {
			t.Errorf("StorePathRootDir = %q, want %q", got, want)
		}
	})
	t.Run("no home", func(t *testing.T) {
		t.Setenv("HOME", "")
		if got := Default().StorePathRootDir; got != "store" {
			t.Errorf("StorePathRootDir = %q, want %q", got, "store")
		}
	})
	t.Run("java values", func(t *testing.T) {
		b := Default()
		checks := []struct {
			name      string
			got, want any
		}{
			{"BrokerClusterName", b.BrokerClusterName, "DefaultCluster"},
			{"BrokerName", b.BrokerName, "broker-a"},
			{"ListenPort", b.ListenPort, 10911},
			{"FlushDiskType", b.FlushDiskType, AsyncFlush},
			{"BrokerRole", b.BrokerRole, AsyncMaster},
			{"MaxMessageSize", b.MaxMessageSize, 4194304},
			{"MappedFileSizeCommitLog", b.MappedFileSizeCommitLog, 1073741824},
			{"MappedFileSizeConsumeQueue", b.MappedFileSizeConsumeQueue, 6000000},
			{"FileReservedTime", b.FileReservedTime, 72},
			{"DiskMaxUsedSpaceRatio", b.DiskMaxUsedSpaceRatio, 75},
			{"TransactionTimeOut", b.TransactionTimeOut, int64(6000)},
			{"TransactionCheckMax", b.TransactionCheckMax, 15},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
			}
		}
		if err := b.Validate(); err != nil {
			t.Errorf("Default().Validate() = %v", err)
		}
	})
}

// TestKeysCoverFields keeps the key list, Set and the struct in step: every
// field has exactly one key and every key sets a field.
func TestKeysCoverFields(t *testing.T) {
	if n := reflect.TypeFor[Broker]().NumField(); n != len(keys) {
		t.Errorf("Broker has %d fields but %d keys", n, len(keys))
	}
	seen := make(map[string]bool)
	for _, k := range keys {
		if seen[k] {
			t.Errorf("key %q listed twice", k)
		}
		seen[k] = true
		var b Broker
		if found, _ := b.assign(k, ""); !found {
			t.Errorf("key %q is listed but Set does not know it", k)
		}
	}
	for alias, k := range aliases {
		if !seen[k] {
			t.Errorf("alias %q points at unlisted key %q", alias, k)
		}
	}
}

func TestNamesrvAddrs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"one", "127.0.0.1:9876", []string{"127.0.0.1:9876"}},
		{"list", "10.0.0.1:9876;10.0.0.2:9876", []string{"10.0.0.1:9876", "10.0.0.2:9876"}},
		{"spaces and empty entries", " a:1 ; ;b:2;", []string{"a:1", "b:2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Broker{NamesrvAddr: tt.in}
			if got := b.NamesrvAddrs(); !slices.Equal(got, tt.want) {
				t.Errorf("NamesrvAddrs() = %q, want %q", got, tt.want)
			}
		})
	}
}
