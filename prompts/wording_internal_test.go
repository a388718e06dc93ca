package prompts

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// frenchWords splits text as the regular expression it replaced did, on
// the French catalog's own texts and on the edges: elisions with either
// apostrophe, hyphens, accents, digits, a text ending on a word or on an
// apostrophe, and bytes that are not UTF-8.
func TestFrenchWords(t *testing.T) {
	re := regexp.MustCompile(`\p{L}+['’]?`)
	texts := []string{
		"", "   ", "tu", "T'aider, a-t-on dit ?", "l’équipe l''autre", "aujourd'hui", "nos 3 équipes",
		"« Qu’est-ce que nous avons appris ? »", "mot'", "mot’", "'début", "x\xffy", "œuvre Ça ÉTÉ",
		"le ton d'une revue", "vos\tvôtres\nvous",
	}
	fr, err := builtinFS.ReadDir("catalog/fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range fr {
		b, err := builtinFS.ReadFile("catalog/fr/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, strings.Split(string(b), "\n")...)
	}
	if len(texts) < 100 {
		t.Fatalf("only %d texts: the French catalog was not read", len(texts))
	}
	for _, text := range texts {
		if got, want := frenchWords(text), re.FindAllString(text, -1); !slices.Equal(got, want) {
			t.Errorf("frenchWords(%q) = %q, want %q", text, got, want)
		}
	}
}
