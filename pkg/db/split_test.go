package db

import (
	"slices"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{name: "empty", src: "", want: nil},
		{name: "one without semicolon", src: "SELECT 1", want: []string{"SELECT 1"}},
		{name: "two", src: "SELECT 1;\nSELECT 2;\n", want: []string{"SELECT 1", "SELECT 2"}},
		{name: "multi-line", src: "CREATE TABLE t (\n  a INT\n);\r\n", want: []string{"CREATE TABLE t (\n  a INT\n)"}},
		{name: "semicolon inside a line", src: "INSERT INTO t VALUES ('a;b');", want: []string{"INSERT INTO t VALUES ('a;b')"}},
		{name: "semicolon mid-line does not split", src: "SELECT ';' ,\n 1;", want: []string{"SELECT ';' ,\n 1"}},
		{name: "comment only chunks dropped", src: "-- header;\n\nSELECT 1;\n-- trailer\n", want: []string{"-- header;\n\nSELECT 1"}},
		{name: "lone semicolon dropped", src: "SELECT 1;\n;\n", want: []string{"SELECT 1"}},
		{name: "trailing blanks after semicolon", src: "SELECT 1;  \t\nSELECT 2", want: []string{"SELECT 1", "SELECT 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := splitStatements(tt.src); !slices.Equal(got, tt.want) {
				t.Fatalf("splitStatements(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}
