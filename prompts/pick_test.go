package prompts_test

import (
	"errors"
	"fmt"
	"iter"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mentorbot/mentorbot/prompts"
)

// user simulates a member: it picks with a catalog and records each pick in
// its history, as the bot does.
type user struct {
	c       *prompts.Catalog
	rnd     *rand.Rand
	history []prompts.Shown
}

func newUser(c *prompts.Catalog, seed uint64) *user {
	return &user{c: c, rnd: rand.New(rand.NewPCG(seed, 2))}
}

func (u *user) pick(tb testing.TB, opt prompts.PickOptions) prompts.Pick {
	tb.Helper()
	p, err := u.c.Pick(u.history, opt, u.rnd)
	if err != nil {
		tb.Fatalf("Pick(%+v): %v", opt, err)
	}
	u.history = append(u.history, prompts.Shown{ID: p.Prompt.ID, Theme: p.Prompt.Theme, NewCycle: p.NewCycle})
	return p
}

func TestCatalog_Pick(t *testing.T) {
	c := MustLoad(t, "ok")
	t.Run("NoRepeatUntilExhausted", func(t *testing.T) {
		for seed := range uint64(50) {
			u := newUser(c, seed)
			var last string
			for cycle := range 4 {
				seen := map[string]bool{}
				for i := range 5 {
					p := u.pick(t, prompts.PickOptions{Theme: "impostor"})
					if seen[p.Prompt.ID] {
						t.Fatalf("seed %d cycle %d: %s repeated", seed, cycle, p.Prompt.ID)
					}
					seen[p.Prompt.ID] = true
					if p.NewCycle != (i == 0) {
						t.Fatalf("seed %d cycle %d pick %d: NewCycle %v", seed, cycle, i, p.NewCycle)
					}
					if i == 0 && p.Prompt.ID == last {
						t.Fatalf("seed %d cycle %d: new cycle starts with %s, the last prompt shown", seed, cycle, last)
					}
					last = p.Prompt.ID
				}
			}
		}
	})
	t.Run("NewCycleSinglePrompt", func(t *testing.T) {
		u := newUser(c, 1)
		for i := range 3 {
			p := u.pick(t, prompts.PickOptions{Theme: "apple"})
			if p.Prompt.ID != "apple-a" || !p.NewCycle {
				t.Fatalf("pick %d = %s, NewCycle %v; want apple-a in a new cycle each time", i, p.Prompt.ID, p.NewCycle)
			}
		}
	})
	t.Run("RolePreference", func(t *testing.T) {
		// Private prompts of impostor: a (ic), b (manager, lead), d (all), e (lead).
		for seed := range uint64(50) {
			u := newUser(c, seed)
			opt := prompts.PickOptions{Theme: "impostor", Role: "lead", Audience: prompts.AudiencePrivate}
			var got []string
			for range 3 {
				got = append(got, u.pick(t, opt).Prompt.ID)
			}
			slices.Sort(got)
			if want := []string{"impostor-b", "impostor-d", "impostor-e"}; !slices.Equal(got, want) {
				t.Fatalf("seed %d: first picks for a lead %v, want %v", seed, got, want)
			}
			if p := u.pick(t, opt); p.Prompt.ID != "impostor-a" || p.NewCycle {
				t.Fatalf("seed %d: fallback %s (NewCycle %v), want impostor-a in the same cycle", seed, p.Prompt.ID, p.NewCycle)
			}
			if p := u.pick(t, opt); !p.NewCycle || !p.Prompt.For("lead") {
				t.Fatalf("seed %d: after the fallback %s (NewCycle %v), want a lead prompt in a new cycle", seed, p.Prompt.ID, p.NewCycle)
			}
		}
	})
	t.Run("AudienceFilter", func(t *testing.T) {
		u := newUser(c, 1)
		u.history = []prompts.Shown{{ID: "impostor-a", Theme: "impostor", NewCycle: true}, {ID: "impostor-d", Theme: "impostor"}}
		opt := prompts.PickOptions{Theme: "impostor", Audience: prompts.AudienceTeam}
		p := u.pick(t, opt)
		if p.Prompt.ID != "impostor-c" || p.NewCycle || p.Restarted {
			t.Errorf("team pick %s, NewCycle %v, Restarted %v; want impostor-c in the same cycle: private prompts in history must not exhaust the team pool",
				p.Prompt.ID, p.NewCycle, p.Restarted)
		}
		if p := u.pick(t, opt); p.Prompt.ID != "impostor-c" || !p.NewCycle || !p.Restarted {
			t.Errorf("second pick %s, NewCycle %v, Restarted %v; want impostor-c again, restarted", p.Prompt.ID, p.NewCycle, p.Restarted)
		}
	})
	t.Run("Restarted", func(t *testing.T) {
		u := newUser(c, 7)
		opt := prompts.PickOptions{Theme: "impostor", Audience: prompts.AudiencePrivate}
		var restarts []int
		for i := range 9 {
			p := u.pick(t, opt)
			if p.Restarted {
				restarts = append(restarts, i)
			}
			if p.Restarted && !p.NewCycle {
				t.Fatalf("pick %d restarted without a new cycle", i)
			}
		}
		// Four private prompts: the first pick starts the first cycle
		// without restarting it; picks 4 and 8 restart.
		if want := []int{4, 8}; !slices.Equal(restarts, want) {
			t.Errorf("restarted at picks %v, want %v", restarts, want)
		}
	})
	t.Run("RoleOnly", func(t *testing.T) {
		for _, tt := range []struct {
			role string
			want []string
		}{
			{"", []string{"daring-c"}}, // for everyone only
			{"lead", []string{"daring-b", "daring-c"}},
			{"ic", []string{"daring-c"}},
		} {
			u := newUser(c, 3)
			opt := prompts.PickOptions{Theme: "daring", Audience: prompts.AudienceTeam, Role: tt.role, RoleOnly: true}
			got := map[string]bool{}
			for range 20 {
				got[u.pick(t, opt).Prompt.ID] = true
			}
			if ids := slices.Sorted(maps.Keys(got)); !slices.Equal(ids, tt.want) {
				t.Errorf("role %q: picked %v, want %v", tt.role, ids, tt.want)
			}
		}
		opt := prompts.PickOptions{Theme: "impostor", Audience: prompts.AudienceTeam, RoleOnly: true}
		if _, err := c.Pick(nil, opt, nil); !errors.Is(err, prompts.ErrNoPrompts) {
			t.Errorf("impostor has no team prompt for everyone: err %v, want ErrNoPrompts", err)
		}
	})
	t.Run("AnyTheme", func(t *testing.T) {
		u := newUser(c, 1)
		count := map[string]int{}
		for range 3000 {
			p := u.pick(t, prompts.PickOptions{Audience: prompts.AudienceTeam})
			count[p.Prompt.Theme]++
			if !p.Prompt.Is(prompts.AudienceTeam) {
				t.Fatalf("picked %s, not a team prompt", p.Prompt.ID)
			}
		}
		// apple has no team prompt; impostor and daring are equally likely
		// although daring has twice as many.
		if count["apple"] != 0 || count["daring"] < 1350 || count["daring"] > 1650 {
			t.Errorf("themes picked %v, want about 1500 each of impostor and daring", count)
		}
	})
	t.Run("AnyThemeNoRepeat", func(t *testing.T) {
		u := newUser(c, 3)
		for range 200 {
			u.pick(t, prompts.PickOptions{})
		}
		checkCycles(t, c, u.history)
	})
	t.Run("Deterministic", func(t *testing.T) {
		run := func(seed uint64) string {
			u := newUser(c, seed)
			var ids []string
			for range 30 {
				ids = append(ids, u.pick(t, prompts.PickOptions{Role: "ic"}).Prompt.ID)
			}
			return strings.Join(ids, " ")
		}
		if a, b := run(1), run(1); a != b {
			t.Errorf("same seed, different picks:\n%s\n%s", a, b)
		}
		if a, b := run(1), run(7); a == b {
			t.Errorf("different seeds, same picks: %s", a)
		}
	})
	t.Run("StopsAtCycleMarker", func(t *testing.T) {
		// Everything before the marker is an older cycle: had the picker read
		// it, every prompt but e would be seen and b the only choice.
		history := []prompts.Shown{
			{ID: "impostor-a", Theme: "impostor", NewCycle: true},
			{ID: "impostor-c", Theme: "impostor"},
			{ID: "impostor-d", Theme: "impostor"},
			{ID: "impostor-e", Theme: "impostor", NewCycle: true},
			{ID: "daring-a", Theme: "daring", NewCycle: true},
			{ID: "impostor-gone", Theme: "impostor"}, // retired since: ignored
		}
		got := map[string]bool{}
		for seed := range uint64(100) {
			p, err := c.Pick(history, prompts.PickOptions{Theme: "impostor"}, rand.New(rand.NewPCG(seed, 2)))
			if err != nil {
				t.Fatal(err)
			}
			if p.NewCycle || p.Prompt.ID == "impostor-e" {
				t.Fatalf("picked %s, NewCycle %v", p.Prompt.ID, p.NewCycle)
			}
			got[p.Prompt.ID] = true
		}
		if len(got) != 4 {
			t.Errorf("picked %v, want each of a, b, c, d sometimes", got)
		}
	})
	t.Run("PickBack", func(t *testing.T) {
		// A sequence read newest first picks what the slice picks, and is
		// not read past the theme's cycle marker: a store walking its cursor
		// decodes only the current cycle.
		u := newUser(c, 3)
		for range 60 {
			u.pick(t, prompts.PickOptions{Role: "ic"})
		}
		for _, theme := range []string{"impostor", "apple", "daring", ""} {
			opt := prompts.PickOptions{Theme: theme, Role: "ic"}
			read := 0
			back := func(string) iter.Seq[prompts.Shown] { // every theme: the picker passes over the others
				return func(yield func(prompts.Shown) bool) {
					for i := len(u.history) - 1; i >= 0; i-- {
						read++
						if !yield(u.history[i]) {
							return
						}
					}
				}
			}
			for seed := range uint64(20) {
				want, err := c.Pick(u.history, opt, rand.New(rand.NewPCG(seed, 9)))
				if err != nil {
					t.Fatal(err)
				}
				read = 0
				got, err := c.PickBack(back, opt, rand.New(rand.NewPCG(seed, 9)))
				if err != nil || got != want {
					t.Fatalf("theme %q seed %d: PickBack = %+v, %v; Pick = %+v", theme, seed, got, err, want)
				}
				// The entries read end at the newest marker of the theme picked.
				stop := len(u.history) - 1
				for stop >= 0 && !(u.history[stop].Theme == want.Prompt.Theme && u.history[stop].NewCycle) {
					stop--
				}
				if stop >= 0 && read != len(u.history)-stop {
					t.Fatalf("theme %q seed %d: read %d entries, want %d (up to the cycle marker)", theme, seed, read, len(u.history)-stop)
				}
			}
		}
	})
	t.Run("LargeTheme", func(t *testing.T) {
		// Over 256 prompts, the seen set no longer fits on the stack.
		var b strings.Builder
		b.WriteString("---\ntheme: big\ntitle: Big\nsummary: Many prompts.\n---\n\n")
		for i := range 300 {
			fmt.Fprintf(&b, "## big-%d\naudience: private\nroles: ic\n\nQuestion %d?\n\n", i, i)
		}
		big, err := prompts.Load(fstest.MapFS{"big.md": {Data: []byte(b.String())}}, ".")
		if err != nil {
			t.Fatal(err)
		}
		u := newUser(big, 1)
		for range 700 {
			u.pick(t, prompts.PickOptions{Theme: "big"})
		}
		checkCycles(t, big, u.history)
	})
	t.Run("NilRand", func(t *testing.T) {
		if _, err := c.Pick(nil, prompts.PickOptions{}, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrUnknownTheme", func(t *testing.T) {
		_, err := c.Pick(nil, prompts.PickOptions{Theme: "zebra"}, nil)
		var te *prompts.ThemeError
		if !errors.Is(err, prompts.ErrUnknownTheme) || !errors.As(err, &te) || te.Arg != "zebra" {
			t.Errorf("err %v, want a ThemeError with ErrUnknownTheme", err)
		}
	})
	t.Run("ErrNoPrompts", func(t *testing.T) {
		for _, opt := range []prompts.PickOptions{
			{Theme: "apple", Audience: prompts.AudienceTeam},
			{Audience: "no-such-audience"},
		} {
			if _, err := c.Pick(nil, opt, nil); !errors.Is(err, prompts.ErrNoPrompts) {
				t.Errorf("Pick(%+v) err %v, want ErrNoPrompts", opt, err)
			}
		}
	})
	t.Run("Allocs", func(t *testing.T) {
		c, history := benchSetup(t)
		rnd := rand.New(rand.NewPCG(1, 2))
		n := testing.AllocsPerRun(100, func() {
			if _, err := c.Pick(history, prompts.PickOptions{Role: "ic", Audience: prompts.AudiencePrivate}, rnd); err != nil {
				t.Fatal(err)
			}
		})
		if n > 0 {
			t.Errorf("%v allocations per pick, want 0", n)
		}
	})
}

// checkCycles fails unless history, split at its markers into cycles per
// theme, never repeats a prompt within a cycle, marks the first prompt of
// each theme, and starts a cycle only when the one before showed every
// prompt of the theme.
func checkCycles(t *testing.T, c *prompts.Catalog, history []prompts.Shown) {
	t.Helper()
	cycles := map[string]map[string]bool{}
	for i, e := range history {
		cur, ok := cycles[e.Theme]
		switch {
		case e.NewCycle:
			if th, _ := c.Theme(e.Theme); ok && len(cur) != len(th.Prompts) {
				t.Fatalf("entry %d: new cycle of %s after %d of %d prompts", i, e.Theme, len(cur), len(th.Prompts))
			}
			cur = map[string]bool{}
			cycles[e.Theme] = cur
		case !ok:
			t.Fatalf("entry %d: first prompt of %s not marked as a new cycle", i, e.Theme)
		case cur[e.ID]:
			t.Fatalf("entry %d: %s repeated within a cycle", i, e.ID)
		}
		cur[e.ID] = true
	}
}

// benchCatalog is a catalog shaped like the built-in one: the 12 themes of
// 16 prompts each, with mixed roles and audiences.
func benchCatalog(tb testing.TB) *prompts.Catalog {
	tb.Helper()
	fsys := fstest.MapFS{}
	roles := []string{"ic", "ic, staff", "manager, lead", "ic, staff, manager, lead"}
	audiences := []string{"private", "private", "team", "private"}
	for _, th := range prompts.ThemeIDs {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntheme: %s\ntitle: %s\nsummary: About %s.\n---\n\n", th, th, th)
		for i := range 16 {
			fmt.Fprintf(&b, "## %s-%d\naudience: %s\nroles: %s\nsource: Bench.\n\nQuestion %d: what do we make of %s?\n\n",
				th, i, audiences[i/4%len(audiences)], roles[i%len(roles)], i, th)
		}
		fsys["catalog/"+th+".md"] = &fstest.MapFile{Data: []byte(b.String())}
	}
	c, err := prompts.Load(fsys, "catalog")
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// benchSetup returns the bench catalog and a history of 10,000 entries made
// as a real member's would be: mostly any-theme reflection prompts, sometimes
// a chosen theme, with the cycle markers the picker set.
func benchSetup(tb testing.TB) (*prompts.Catalog, []prompts.Shown) {
	tb.Helper()
	c := benchCatalog(tb)
	u := newUser(c, 42)
	for i := range 10_000 {
		opt := prompts.PickOptions{Role: "ic", Audience: prompts.AudiencePrivate}
		if i%5 == 0 {
			opt.Theme = prompts.ThemeIDs[i%len(prompts.ThemeIDs)]
			opt.Audience = ""
		}
		u.pick(tb, opt)
	}
	return c, u.history
}

func BenchmarkPick(b *testing.B) {
	c, history := benchSetup(b)
	for _, bc := range []struct {
		name string
		opt  prompts.PickOptions
	}{
		{"AnyTheme", prompts.PickOptions{Role: "ic", Audience: prompts.AudiencePrivate}},
		{"Theme", prompts.PickOptions{Theme: "vision", Role: "manager"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			rnd := rand.New(rand.NewPCG(1, 2))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Pick(history, bc.opt, rnd); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
