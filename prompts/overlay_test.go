package prompts_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mentorbot/mentorbot/prompts"
)

func TestCatalog_WithOverlay(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		base := MustLoad(t, "ok")
		c, err := base.WithOverlay("testdata/overlay/ok")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := themeIDs(c), []string{"impostor", "daring", "apple", "kiwi"}; !slices.Equal(got, want) {
			t.Errorf("themes %v, want %v", got, want)
		}
		// b is replaced in place, c moved to daring, e retired, local added.
		if got, want := promptIDs(t, c, "impostor"), []string{"impostor-a", "impostor-b", "impostor-d", "impostor-local"}; !slices.Equal(got, want) {
			t.Errorf("impostor %v, want %v", got, want)
		}
		if got, want := promptIDs(t, c, "daring"), []string{"daring-a", "daring-b", "daring-c", "impostor-c"}; !slices.Equal(got, want) {
			t.Errorf("daring %v, want %v", got, want)
		}
		if c.Len() != 10 {
			t.Errorf("Len %d, want 10", c.Len())
		}
		b, _ := c.Prompt("impostor-b")
		if b.Text != "Replaced: who asked for help?" || b.File != filepath.Join("testdata/overlay/ok", "impostor-local.md") || b.Line != 5 {
			t.Errorf("impostor-b = %q at %s:%d", b.Text, b.File, b.Line)
		}
		// daring.md is in the first edition's format, which still loads.
		if p, _ := c.Prompt("impostor-c"); p.Theme != "daring" || p.Audience != prompts.AudienceTeam || !slices.Equal(p.Roles, []string{"ic", "staff"}) {
			t.Errorf("moved prompt has theme %q, audience %q, roles %q; want daring, team, [ic staff]", p.Theme, p.Audience, p.Roles)
		}
		if w := c.Warnings(); len(w) != 3 || len(w.Errors()) != 0 {
			t.Errorf("warnings %v, want the 3 about daring.md", w)
		}
		if _, ok := c.Prompt("impostor-e"); ok {
			t.Error("retired prompt found")
		}
		d, _ := c.Theme("daring")
		if d.Title != "Daring, locally" || d.Summary != "Taking the risk worth taking." {
			t.Errorf("daring title %q, summary %q: want the title overridden, the summary kept", d.Title, d.Summary)
		}
		if k, _ := c.Theme("kiwi"); k.Title != "Kiwi" || len(k.Prompts) != 1 {
			t.Errorf("kiwi = %+v", k)
		}
	})
	t.Run("BaseUnchanged", func(t *testing.T) {
		base := MustLoad(t, "ok")
		if _, err := base.WithOverlay("testdata/overlay/ok"); err != nil {
			t.Fatal(err)
		}
		if got, want := promptIDs(t, base, "impostor"), []string{"impostor-a", "impostor-b", "impostor-c", "impostor-d", "impostor-e"}; !slices.Equal(got, want) {
			t.Errorf("base impostor %v, want %v", got, want)
		}
		if b, _ := base.Prompt("impostor-b"); b.Text != "Who on your team asked for help this week?" {
			t.Errorf("base impostor-b text %q", b.Text)
		}
		if d, _ := base.Theme("daring"); d.Title != "Daring" || len(d.Prompts) != 3 {
			t.Errorf("base daring %+v", d)
		}
		if len(base.Themes()) != 3 || base.Len() != 9 || base.Warnings() != nil {
			t.Errorf("base has %d themes, %d prompts", len(base.Themes()), base.Len())
		}
	})
	t.Run("Twice", func(t *testing.T) {
		// A second overlay may retire again what the first retired.
		c, err := MustLoad(t, "ok").WithOverlay("testdata/overlay/ok")
		if err != nil {
			t.Fatal(err)
		}
		c2, err := c.WithOverlay("testdata/overlay/ok")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(themeIDs(c2), themeIDs(c)) || c2.Len() != c.Len() {
			t.Errorf("second overlay changed the catalog: %v, %d", themeIDs(c2), c2.Len())
		}
	})
	t.Run("ZeroCatalog", func(t *testing.T) {
		var zero prompts.Catalog
		c, err := zero.WithOverlay("testdata/ok")
		if err != nil || c.Len() != 9 {
			t.Errorf("got %v, %v; want the overlay as a catalog of its own", c, err)
		}
	})
	t.Run("EmptyDir", func(t *testing.T) {
		base := MustLoad(t, "ok")
		if c, err := base.WithOverlay(""); c != base || err != nil {
			t.Errorf("WithOverlay(\"\") = %p, %v; want the base", c, err)
		}
	})
	t.Run("ErrBadOverlay", func(t *testing.T) {
		c, err := MustLoad(t, "ok").WithOverlay("testdata/overlay/lint/unknown-theme")
		var probs prompts.Problems
		if c != nil || !errors.As(err, &probs) || len(probs) != 1 {
			t.Errorf("got %v, %v; want Problems", c, err)
		}
	})
	t.Run("ErrNoDir", func(t *testing.T) {
		_, err := MustLoad(t, "ok").WithOverlay("testdata/nope")
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("err %v, want ErrNotExist", err)
		}
	})
}

func TestLintOverlay(t *testing.T) {
	base := MustLoad(t, "ok")
	tests := []struct {
		name string
		want []want
	}{
		{"ErrUnknownTheme", []want{{"unknown-theme/x.md:2", `unknown theme "zebra"`}}},
		{"ErrNewThemeNoSummary", []want{{"new-theme-no-summary/x.md:2", `new theme "zebra" has no summary`}}},
		{"ErrRetireUnknown", []want{{"retire-unknown/x.md:5", `cannot retire "impostor-nope"`}}},
		{"ErrRetiredWithText", []want{{"retired-with-text/x.md:5", `retired prompt "impostor-a" has text`}}},
		{"ErrDuplicateID", []want{{"duplicate-id/b.md:5", `duplicate id "impostor-local" (first defined at testdata/overlay/lint/duplicate-id/a.md:5)`}}},
		{"ErrReplaceIncomplete", []want{
			{"replace-incomplete/x.md:5", "has no text"},
			{"replace-incomplete/x.md:5", "has no audience"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := prompts.LintOverlay(base, "testdata/overlay/lint/"+dirOf(tt.want[0].at))
			checkProblems(t, "testdata/overlay/lint", got, tt.want)
		})
	}
	t.Run("OK", func(t *testing.T) {
		// An operator's first-edition file loads, with warnings saying what
		// to write instead.
		got := prompts.LintOverlay(base, "testdata/overlay/ok")
		checkProblems(t, "testdata/overlay/ok", got, []want{
			{"daring.md:6", `warning: team prompt "impostor-c" does not speak to a group`},
			{"daring.md:7", `warning: audience lists roles (first-edition format): move them to "roles: ic, staff"`},
			{"daring.md:8", `warning: kind is replaced by audience (first-edition format): write "audience: team"`},
		})
	})
	t.Run("NilBase", func(t *testing.T) {
		got := prompts.LintOverlay(nil, "testdata/overlay/lint/retire-unknown")
		checkProblems(t, "testdata/overlay/lint", got, []want{
			{"retire-unknown/x.md:2", `new theme "impostor" has no title and no summary`},
			{"retire-unknown/x.md:5", `cannot retire "impostor-nope"`},
		})
	})
	t.Run("ErrNoDir", func(t *testing.T) {
		got := prompts.LintOverlay(base, "testdata/nope")
		checkProblems(t, "", got, []want{{"testdata/nope", "cannot read"}})
	})
}
