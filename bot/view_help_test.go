package bot

import (
	"testing"

	"github.com/mentorbot/mentorbot/bot/lang"
)

func TestCodeList(t *testing.T) {
	tests := []struct {
		name string
		p    *lang.Printer
		ids  []string
		want string
	}{
		{"None", en, nil, ""},
		{"One", fr, []string{"a"}, "`a`"},
		{"TwoEnglish", en, []string{"a", "b"}, "`a` and `b`"},
		{"ThreeEnglish", en, []string{"a", "b", "c"}, "`a`, `b` and `c`"},
		{"ThreeFrench", fr, []string{"a", "b", "c"}, "`a`, `b` et `c`"},
		{"NilPrinter", nil, []string{"a", "b"}, "`a` and `b`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codeList(tt.p, tt.ids); got != tt.want {
				t.Errorf("codeList = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCounts checks the plural forms of the shared counts: French puts 0
// and 1 in the singular, English only 1.
func TestCounts(t *testing.T) {
	for _, tt := range []struct {
		p    *lang.Printer
		n    int
		want string
	}{
		{en, 0, "0 wins"}, {en, 1, "1 win"}, {en, 2, "2 wins"},
		{fr, 0, "0 réussite"}, {fr, 1, "1 réussite"}, {fr, 2, "2 réussites"},
	} {
		if got := tt.p.N("count_win", tt.n); got != tt.want {
			t.Errorf("%s count_win %d = %q, want %q", tt.p.Lang(), tt.n, got, tt.want)
		}
	}
}
