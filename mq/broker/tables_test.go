package broker

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sagashop/sagashop/mq/route"
)

func TestTopicTablePersists(t *testing.T) {
	dir := t.TempDir()
	tt, err := openTopicTable(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, created, err := tt.createIfAbsent(route.NewTopicConfig("A", 4, 6)); err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	if _, created, _ := tt.createIfAbsent(route.NewTopicConfig("A", 8, 6)); created {
		t.Fatal("second create of A reported created")
	}
	if changed, _ := tt.put(route.NewTopicConfig("B", 2, 6)); !changed {
		t.Fatal("put B not a change")
	}
	if removed, _ := tt.remove("B"); !removed {
		t.Fatal("remove B")
	}
	again, err := openTopicTable(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tc, ok := again.get("A"); !ok || tc.WriteQueueNums != 4 {
		t.Fatalf("A after reopen: %+v %v", tc, ok)
	}
	if _, ok := again.get("B"); ok {
		t.Fatal("B survived its removal")
	}
}

func TestDamagedTableRefusesToLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config", "topics.json")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte("{not json"), 0o644)
	if _, err := openTopicTable(dir); err == nil {
		t.Fatal("a damaged topics.json loaded")
	}
}

func TestOffsetTablePersists(t *testing.T) {
	dir := t.TempDir()
	ot, err := openOffsetTable(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := ot.query("g", "T", 0); got != -1 {
		t.Fatalf("empty query = %d", got)
	}
	ot.commit("g", "T", 0, 10)
	ot.commit("g", "T", 3, 7)
	ot.commit("h", "T", 0, 1)
	if err := ot.persist(); err != nil {
		t.Fatal(err)
	}
	again, err := openOffsetTable(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.query("g", "T", 0) != 10 || again.query("g", "T", 3) != 7 || again.query("h", "T", 0) != 1 {
		t.Fatalf("offsets after reopen: %v", again.offsets)
	}
	again.removeTopic("T")
	if again.query("g", "T", 0) != -1 {
		t.Fatal("removeTopic kept offsets")
	}
}
