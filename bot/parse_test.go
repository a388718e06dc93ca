package bot

import (
	"slices"
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"OK", "prompt impostor", []string{"prompt", "impostor"}},
		{"Spaces", "  prompt \t imp  ", []string{"prompt", "imp"}},
		{"Empty", "", nil},
		{"Quoted", `broadcast #team "the last mile"`, []string{"broadcast", "#team", "the last mile"}},
		{"CurlyQuotes", "broadcast #team “ask forgiveness”", []string{"broadcast", "#team", "ask forgiveness"}},
		{"EscapedChannel", "broadcast <#C0123|general> vision", []string{"broadcast", "<#C0123|general>", "vision"}},
		{"ApostropheInWord", `it"s fine`, []string{`it"s`, "fine"}},
		{"EmptyQuotes", `say ""`, []string{"say", ""}},
		{"Guillemets", "broadcast #team « notre sujet »", []string{"broadcast", "#team", "notre sujet"}},
		{"GuillemetsNoBreakSpaces", "broadcast #team «\u00a0notre sujet\u202f»", []string{"broadcast", "#team", "notre sujet"}},
		{"GuillemetsTight", "broadcast #team «notre  sujet» vision", []string{"broadcast", "#team", "notre  sujet", "vision"}},
		{"GuillemetsInsideQuotes", `broadcast #team "ce que « fini » veut dire"`, []string{"broadcast", "#team", "ce que « fini » veut dire"}},
		{"QuotesInsideGuillemets", `broadcast #team « ce que "fini" veut dire »`, []string{"broadcast", "#team", `ce que "fini" veut dire`}},
		{"StrayClosingGuillemet", "say » là", []string{"say", "»", "là"}},
		{"GuillemetInWord", "l«a» b", []string{"l«a»", "b"}},
		{"StraightQuotesKeepSpaces", `say " x "`, []string{"say", " x "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tokenize(nil, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("tokenize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}

	t.Run("ErrUnclosedQuote", func(t *testing.T) {
		_, err := tokenize(nil, `broadcast #team "the last mile`)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "quote") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("ErrUnclosedGuillemet", func(t *testing.T) {
		for _, in := range []string{"broadcast #team « notre sujet", `broadcast #team « notre sujet"`} {
			if _, err := tokenize(nil, in); ErrorCode(err) != EINVALID {
				t.Fatalf("tokenize(%q): err = %v, want EINVALID", in, err)
			}
		}
	})

	t.Run("ErrTooLong", func(t *testing.T) {
		long := "prompt " + strings.Repeat("x", 5000)
		_, err := tokenize(nil, long)
		if ErrorCode(err) != EINVALID {
			t.Fatalf("err = %v", err)
		}
		if msg := ErrorMessage(err); strings.Contains(msg, "xxxx") || len(msg) > 200 {
			t.Fatalf("message echoes the input or is long: %q", msg)
		}
	})
}
