package bot

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mentorbot/mentorbot/prompts"
	"github.com/mentorbot/mentorbot/store"
)

// Store is the state the bot keeps. *store.DB implements it.
type Store interface {
	// User returns the member's settings, zero-valued if they have none yet.
	User(id string) (store.User, error)
	// UpdateUser changes the member's settings in one transaction.
	UpdateUser(id string, fn func(*store.User) error) error
	// History returns the member's newest limit entries, oldest first.
	History(userID string, limit int) ([]store.HistoryEntry, error)
	// UserHistory is User and History read together, in one transaction.
	UserHistory(userID string, limit int) (store.User, []store.HistoryEntry, error)
	// AppendHistories records prompts shown to members, in one commit; one
	// error per entry.
	AppendHistories(apps []store.HistoryAppend) []error

	// Subscription returns the member's schedule, if they subscribed.
	Subscription(userID string) (store.Subscription, bool, error)
	// PutSubscription writes a schedule and moves its due-index entry.
	PutSubscription(s store.Subscription) error
	// DeleteSubscription removes a schedule and its index entry.
	DeleteSubscription(userID string) error
	// DueBefore lists the schedules due at or before now, oldest first.
	DueBefore(now time.Time, limit int) ([]store.Due, error)

	// ClaimNudge returns a slot's record, claiming it when it is new.
	ClaimNudge(n store.Nudge) (store.Nudge, error)
	// FinishNudge records a slot's outcome, the next schedule and history.
	FinishNudge(n store.Nudge, next store.Subscription, hist *store.HistoryEntry) error
	// Nudges lists the member's newest slot records, newest first.
	Nudges(userID string, limit int) ([]store.Nudge, error)

	// AddReflection writes a reflection durably.
	AddReflection(r store.Reflection) (store.Reflection, error)
	// Reflections lists the member's newest reflections, newest first.
	Reflections(userID string, limit int) ([]store.Reflection, error)
	// LastReflectionOn finds the member's newest reflection on a prompt.
	LastReflectionOn(userID, promptID string) (store.Reflection, bool, error)
	// Forget deletes every record of the member.
	Forget(userID string) error

	// CreateBroadcast stores a new recurring broadcast and assigns its id.
	CreateBroadcast(b store.Broadcast) (store.Broadcast, error)
	// Broadcast reads one broadcast by id.
	Broadcast(id string) (store.Broadcast, bool, error)
	// PutBroadcast updates a broadcast and moves its due entry.
	PutBroadcast(b store.Broadcast) error
	// DeleteBroadcast removes a broadcast and its due entry.
	DeleteBroadcast(id string) error
	// BroadcastsByLead lists a lead's broadcasts by next due time.
	BroadcastsByLead(leadID string) ([]store.Broadcast, error)
	// BroadcastsDue lists the broadcasts due at or before now.
	BroadcastsDue(now time.Time, limit int) ([]store.Broadcast, error)
	// ChannelHistory returns the topics a channel was sent, oldest first.
	ChannelHistory(channelID string, limit int) ([]store.HistoryEntry, error)
	// AppendChannelHistory records a topic sent to a channel.
	AppendChannelHistory(channelID string, e store.HistoryEntry) error
}

// historyWindow is how many of a member's newest history entries the picker
// reads. A cycle through a theme is at most that theme's size, and themes
// interleave, so a few thousand entries always cover the current cycles.
const historyWindow = 2000

// Bot answers Slack: commands, buttons and events. Construct it with New, set
// the exported fields before Run, and do not change them afterwards.
type Bot struct {
	Store   Store
	Catalog *prompts.Catalog
	Logger  *slog.Logger

	// Command is the slash command name help shows when Slack did not say
	// which one was typed.
	Command string

	// Now returns the current time. Can be mocked for tests.
	Now func() time.Time

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

	table      *table   // every interaction (commands.go)
	cards      sync.Map // *prompts.Prompt → its card, made once (view_prompt.go)
	asked      sync.Map // askedCard → its blocks, made once (view_prompt.go)
	locks      userLocks
	seen       *dedupe
	inflight   sync.WaitGroup // handlers and the writes they leave behind
	pool       workers        // idle workers goWork hands work to
	history    historyWriter  // picked prompts on their way to the disk
	workerIdle time.Duration  // how long a worker waits for more
	connected  atomic.Bool
	connects   atomic.Int64
}

// New returns a Bot with production defaults. rnd drives every random choice
// (pass a seeded source in tests); nil means a randomly seeded one.
func New(st Store, catalog *prompts.Catalog, rnd *rand.Rand) *Bot {
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	b := &Bot{
		Store:           st,
		Catalog:         catalog,
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		Command:         "/mentor",
		Now:             time.Now,
		AckWithin:       2500 * time.Millisecond,
		ShutdownTimeout: 10 * time.Second,
		HTTPClient:      &http.Client{Timeout: 10 * time.Second},
		Metrics:         nopMetrics{},
		DefaultTZ:       "UTC",
		Grace:           6 * time.Hour,
		SendConcurrency: 8,
		rand:            rnd,
		seen:            newDedupe(15 * time.Minute),
		workerIdle:      workerIdle,
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
