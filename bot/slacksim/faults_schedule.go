package slacksim

import (
	"hash/fnv"
	"slices"
	"time"
)

// FaultFunc decides whether a Web API call fails, as the function SetFault
// installs: it gets the call and n, the 1-based count of calls to that
// method so far, and returns nil to let the call through. The constructors
// below build the schedules a fault-injection test needs and compose:
//
//	sim.SetFault(sim.During(time.Minute,
//		slacksim.EveryNth(2, slacksim.Fault{Status: 429, RetryAfter: time.Second})))
type FaultFunc func(c Call, n int) *Fault

// EveryNth fails every nth call to each method (the nth, the 2nth, …) with f.
// nth below 1 fails nothing.
func EveryNth(nth int, f Fault) FaultFunc {
	return func(_ Call, n int) *Fault {
		if nth < 1 || n%nth != 0 {
			return nil
		}
		g := f // each call gets its own copy
		return &g
	}
}

// Fraction fails about a fraction p of the calls with f. The choice is
// pseudo-random but replayable: whether the nth call to a method fails
// depends only on seed, the method and n, never on timing or on which
// goroutine made the call.
func Fraction(p float64, seed uint64, f Fault) FaultFunc {
	return func(c Call, n int) *Fault {
		if unitFloat(seed, c.Method, n) >= p {
			return nil
		}
		g := f
		return &g
	}
}

// Only applies fn to calls to the given methods and lets the others through.
func Only(fn FaultFunc, methods ...string) FaultFunc {
	methods = slices.Clone(methods)
	return func(c Call, n int) *Fault {
		if !slices.Contains(methods, c.Method) {
			return nil
		}
		return fn(c, n)
	}
}

// Except applies fn to every call but those to the given methods.
func Except(fn FaultFunc, methods ...string) FaultFunc {
	methods = slices.Clone(methods)
	return func(c Call, n int) *Fault {
		if slices.Contains(methods, c.Method) {
			return nil
		}
		return fn(c, n)
	}
}

// During applies fn for d of the Server's clock (Options.Clock) from the
// moment During is called, then lets every call through: an outage with an
// end.
func (s *Server) During(d time.Duration, fn FaultFunc) FaultFunc {
	end := s.now().Add(d)
	return func(c Call, n int) *Fault {
		if !s.now().Before(end) {
			return nil
		}
		return fn(c, n)
	}
}

// unitFloat hashes (seed, method, n) to a number in [0, 1).
func unitFloat(seed uint64, method string, n int) float64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(method))
	x := splitmix64(seed ^ splitmix64(h.Sum64()^splitmix64(uint64(n))))
	return float64(x>>11) / (1 << 53)
}

// splitmix64 is the finalizer of the SplitMix64 generator: a cheap, well
// mixed 64-bit hash.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
