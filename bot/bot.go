package bot

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mentorbot/mentorbot/bot/lang"
	"github.com/mentorbot/mentorbot/prompts"
)

// Store is everything the bot keeps, as New takes it: *store.DB implements
// it. Each part of the bot reads and writes through the smaller interface
// declared beside it, which a test can fake on its own.
//
// Besides the sentinel errors each method names, any of them returns an
// error wrapping store.ErrCorrupt when it read a damaged page of the file,
// and can fail for another reason of the disk; the bot logs either with its
// context and shows the member an apology.
type Store interface {
	MemberStore
	ScheduleStore
	JournalStore
	BroadcastStore
	WinStore
	ExperimentStore
	CheckInStore
}

// historyWindow is how many of a member's newest history entries the picker
// reads. A cycle through a theme is at most that theme's size, and themes
// interleave, so a few thousand entries always cover the current cycles.
const historyWindow = 2000

// Bot answers Slack: commands, buttons and events. Construct it with New, set
// the exported fields before Run, and do not change them afterwards.
type Bot struct {
	// Members holds members' settings and the prompts they were shown.
	Members MemberStore
	// Schedules holds subscriptions, their due index and nudge records.
	Schedules ScheduleStore
	// Journal holds reflections.
	Journal JournalStore
	// Broadcasts holds leads' recurring broadcasts and channels' topics.
	Broadcasts BroadcastStore
	// Wins holds members' evidence files.
	Wins WinStore
	// Experiments holds members' commitments to experiments and the due
	// index of their follow-ups.
	Experiments ExperimentStore
	// CheckIns holds members' check-ins, for their eyes only.
	CheckIns CheckInStore

	Catalog *prompts.Catalog
	// Lang holds every message the bot shows, in each language it speaks.
	Lang   *lang.Catalog
	Logger *slog.Logger

	// Command is the slash command name help shows when Slack did not say
	// which one was typed.
	Command string

	// Now returns the current time. Can be mocked for tests.
	Now func() time.Time

	// After receives once d has passed on the clock Now reads: the waits
	// Slack's Retry-After asks for. Can be mocked for tests.
	After func(d time.Duration) <-chan time.Time

	// AckWithin is how long a command may take before the envelope is
	// acknowledged empty and the answer goes to the response_url instead.
	// Slack allows 3 seconds.
	AckWithin time.Duration

	// ShutdownTimeout bounds how long Run waits for in-flight work on exit.
	ShutdownTimeout time.Duration

	// Slack is the Web API client for DMs, modals, user time zones and files.
	Slack Slack

	// Leads says who may broadcast; nil means nobody.
	Leads *LeadDirectory

	// Channels finds a channel's id from its name (conversations.list).
	Channels ChannelFinder

	// ChannelMembers tells whether a lead is in the channel they broadcast
	// to (conversations.members); nil means it is not checked.
	ChannelMembers MemberLister

	// DefaultTZ is the time zone of a member Slack reports none for.
	DefaultTZ string

	// Grace is how late a nudge may still be sent after downtime; older ones
	// are skipped with a record. Nobody wants Friday's prompt at 3 a.m.
	Grace time.Duration

	// SendConcurrency bounds the nudges sent at once by SendDue.
	SendConcurrency int

	// HTTPClient posts to response_urls.
	HTTPClient *http.Client

	// Metrics receives counts and latencies; never nil.
	Metrics Metrics

	randMu sync.Mutex
	rand   *rand.Rand

	table  *table        // every interaction (commands.go)
	langs  languageCache // members' languages (language.go)
	cards  cardCache     // encoded prompt cards (cardcache.go)
	locks  userLocks
	seen   *dedupe
	clicks *dedupe // "Another prompt" clicks, for double clicks (anotherPrompt)
	// forgotten is when each member's data was last deleted, since the
	// start: a forget confirmation offered before then is stale (forget).
	// Only ids and times, in memory, one per member who forgot.
	forgotten sync.Map
	inflight  inflight      // handlers and the writes they leave behind
	history   historyWriter // picked prompts on their way to the disk
	pace      postPacer     // no post before this, after a 429 (pacing.go)
	backlog   backlog       // since when ticks have found slots due (pacing.go)
	replies   *replyLimiter // replies to response_urls in flight and waiting
	connected atomic.Bool
	connects  atomic.Int64
}

// New returns a Bot with production defaults. rnd drives every random choice
// (pass a seeded source in tests); nil means a randomly seeded one.
func New(st Store, catalog *prompts.Catalog, rnd *rand.Rand) *Bot {
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	b := &Bot{
		Members:         st,
		Schedules:       st,
		Journal:         st,
		Broadcasts:      st,
		Wins:            st,
		Experiments:     st,
		CheckIns:        st,
		Catalog:         catalog,
		Lang:            builtinLang,
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		Command:         "/mentor",
		Now:             time.Now,
		After:           time.After,
		AckWithin:       2500 * time.Millisecond,
		ShutdownTimeout: 10 * time.Second,
		HTTPClient:      &http.Client{Timeout: 10 * time.Second},
		Metrics:         nopMetrics{},
		DefaultTZ:       "UTC",
		Grace:           6 * time.Hour,
		SendConcurrency: 8,
		rand:            rnd,
		seen:            newDedupe(15 * time.Minute),
		clicks:          newDedupe(doubleClick),
		replies:         newReplyLimiter(maxReplies, maxQueuedReplies, replyPostTimeout),
	}
	b.table = mustTable(b.routes())
	return b
}

// Connected reports whether the Socket Mode connection is up.
func (b *Bot) Connected() bool { return b.connected.Load() }

// withRand runs fn with the bot's random source, which is not safe for
// concurrent use on its own.
func (b *Bot) withRand(fn func(*rand.Rand)) {
	b.randMu.Lock()
	defer b.randMu.Unlock()
	fn(b.rand)
}
