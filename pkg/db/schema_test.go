package db_test

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sagashop/sagashop/pkg/db/dbtest"
)

// TestSchemaDocMatchesCommonMigrations keeps schema.md, which service
// engineers copy, equal to the files the tests run.
func TestSchemaDocMatchesCommonMigrations(t *testing.T) {
	doc, err := os.ReadFile("schema.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sql\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) != 2 {
		t.Fatalf("schema.md has %d sql blocks, want 2 (mysql, sqlite)", len(blocks))
	}
	for i, dialect := range []string{"mysql", "sqlite"} {
		t.Run(dialect, func(t *testing.T) {
			want, err := fs.ReadFile(dbtest.Common(), dialect+"/0001_common.sql")
			if err != nil {
				t.Fatal(err)
			}
			if got := blocks[i][1]; strings.TrimSpace(got) != strings.TrimSpace(string(want)) {
				t.Fatalf("schema.md %s block:\n%s\nwant (dbtest/migrations):\n%s", dialect, got, want)
			}
		})
	}
}
