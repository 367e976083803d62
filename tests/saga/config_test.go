package saga

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"gopkg.in/yaml.v3"
)

// serviceConfig returns the repository's services/<name>/configs/config.yaml,
// the file the services ship with, for a test shop. Everything a shop
// changes goes through the file's SAGASHOP_* placeholders (see
// shop.newProc), except the Redis database number, which has no
// placeholder: a redisDB other than 0 is written into data.redis.db.
func serviceConfig(t testing.TB, name string, redisDB int) []byte {
	t.Helper()
	path := filepath.Join(repoRoot, "services", name, "configs", "config.yaml")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s config: %v", name, err)
	}
	if redisDB == 0 {
		return doc
	}
	out, err := setYAML(doc, []string{"data", "redis", "db"}, strconv.Itoa(redisDB))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// setYAML sets the scalar at path in doc (creating the mappings on the way)
// and leaves everything else as it is, placeholders included.
func setYAML(doc []byte, path []string, value string) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, err
	}
	if len(root.Content) == 0 {
		root = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	n := root.Content[0]
	for i, key := range path {
		var next *yaml.Node
		for j := 0; j+1 < len(n.Content); j += 2 {
			if n.Content[j].Value == key {
				next = n.Content[j+1]
			}
		}
		if next == nil {
			next = &yaml.Node{Kind: yaml.MappingNode}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, next)
		}
		if i == len(path)-1 {
			*next = yaml.Node{Kind: yaml.ScalarNode, Value: value}
		}
		n = next
	}
	return yaml.Marshal(&root)
}
