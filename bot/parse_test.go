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
