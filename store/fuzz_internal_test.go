package store

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzDecode feeds arbitrary bytes to the decoder of every stored record: a
// damaged record is an error, never a panic, and what decodes re-encodes.
func FuzzDecode(f *testing.F) {
	at := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	seeds := []func() ([]byte, error){
		func() ([]byte, error) { return encodeUser(User{Role: "staff"}) },
		func() ([]byte, error) { return encodeUser(User{Role: "ic", Lang: "fr", Locale: "fr-FR"}) },
		func() ([]byte, error) { return encodeUser(User{Locale: "en-US"}) },
		func() ([]byte, error) {
			return encodeHistory(HistoryEntry{PromptID: "p", Theme: "t", At: at, NewCycle: true})
		},
		func() ([]byte, error) {
			return encodeSubscription(Subscription{Focus: []string{"vision"}, Schedule: Schedule{Cadence: "weekly", Day: 5, Hour: 16, TZ: "Europe/Paris", NextDue: at}})
		},
		func() ([]byte, error) {
			return encodeReflection(Reflection{PromptID: "p", Theme: "t", Prompt: "Q?", Text: "A.", At: at, Slot: at}, "")
		},
		func() ([]byte, error) {
			return encodeReflection(Reflection{UserID: "U1", PromptID: "p", Theme: "t", Prompt: "Q?", Text: "A.", At: at}, textHash("Q?"))
		},
		func() ([]byte, error) {
			return encodeNudge(Nudge{Status: NudgeSent, PromptID: "p", Channel: "D1", TS: "1.2", At: at, Reflected: true})
		},
		func() ([]byte, error) {
			return encodeBroadcast(Broadcast{LeadID: "U1", Channel: "C1", ChannelName: "team", Theme: "vision", LastSlot: at.AddDate(0, 0, -7), Failing: "not_in_channel", Created: at, Schedule: Schedule{Day: time.Friday, Hour: 16, TZ: "Europe/Paris", NextDue: at}})
		},
	}
	for _, seed := range seeds {
		b, err := seed()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"at":-9223372036854775808,"n":9223372036854775807}`))
	f.Add([]byte(`{"d":99,"h":-1,"m":75}`))
	f.Add([]byte("\x00\xff"))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"r":"lead"} `))
	f.Add([]byte(`{"r":"a\u0041"}`))
	f.Add([]byte(`{"r":"a""l":"fr"}`))
	f.Add([]byte(`{"lc":"fr-FR","l":"fr"}`))
	f.Add([]byte(`{"r":"","l":"fr"}`))
	f.Add([]byte(`{"l":"U1","c":"C1","o":true,"n":1795100400}`)) // a one-off flag no longer kept

	f.Fuzz(func(t *testing.T, b []byte) {
		if u, err := decodeUser("U1", b); err == nil {
			if _, err := encodeUser(u); err != nil {
				t.Fatal(err)
			}
		}
		// The user fast path accepts only what encoding/json reads the same.
		if fast, ok := decodeUserFast(b); ok {
			var r userRecord
			if err := json.Unmarshal(b, &r); err != nil || r != fast {
				t.Fatalf("%q: fast path read %+v, encoding/json %+v (%v)", b, fast, r, err)
			}
		}
		if h, err := decodeHistory(b, nil); err == nil {
			if _, err := encodeHistory(h); err != nil {
				t.Fatal(err)
			}
		}
		if s, err := decodeSubscription("U1", b); err == nil {
			if _, err := encodeSubscription(s); err != nil {
				t.Fatal(err)
			}
		}
		if r, err := decodeReflection(nil, "U1", 1, b); err == nil {
			if _, err := encodeReflection(r, ""); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := decodeNudge("U1", 1, b); err == nil {
			if _, err := encodeNudge(n); err != nil {
				t.Fatal(err)
			}
		}
		if bc, err := decodeBroadcast("b1", b); err == nil {
			if _, err := encodeBroadcast(bc); err != nil {
				t.Fatal(err)
			}
		}
	})
}
