// Package slacksim is a local Slack for mentorbot's end-to-end tests, its
// benchmark and the `mentorbot try` terminal session. It speaks the real
// protocols on a loopback listener, so the bot runs unchanged: the same
// slack-go Web API and Socket Mode clients, only pointed at the simulator.
// It fakes the network, never the bot.
//
//	sim := slacksim.New(slacksim.Options{})
//	defer sim.Close()
//	sim.AddUser(slacksim.User{ID: "U1", Name: "ada", TZ: "Europe/Berlin"})
//	api := slack.New(sim.Options().BotToken,
//		slack.OptionAppLevelToken(sim.Options().AppToken),
//		slack.OptionAPIURL(sim.APIURL()))
//	// … run the bot with socketmode.New(api) …
//	ack, err := sim.SlashCommand(ctx, slacksim.SlashCommand{UserID: "U1", Text: "prompt"})
//	msg, err := sim.WaitMessage(ctx, func(m slacksim.Message) bool { return m.Channel == "DU1" })
//
// # Socket Mode
//
// apps.connections.open takes the app token from the Authorization header and
// answers a ws:// URL with a single-use ticket that expires after 30s; a
// reused or unknown ticket is refused at the upgrade with 401. A new socket
// gets the hello frame, then a WebSocket ping every PingInterval. Envelopes
// (slash_commands, interactive, events_api) are marshalled as Slack sends
// them and spread round-robin over the open sockets that have not been sent
// a disconnect. Acks are matched by envelope_id from any socket, as Slack
// does; a frame of 20 KB or more is dropped silently and counted
// (DroppedAcks). SlashCommand, Interactive and Event wait up to AckTimeout
// and return ErrNoAck without an ack; an event, unlike a command, is then
// redelivered up to 3 times with retry_attempt counting up and retry_reason
// "timeout". Disconnect sends a disconnect frame and closes the socket after
// DisconnectGrace; DropConnections cuts the TCP connections with no close
// frame.
//
// # Web API
//
// POST (or GET) /api/<method> takes form bodies (token in the "token" field)
// and JSON bodies (token in "Authorization: Bearer"), and answers HTTP 200
// with "ok" and the fields slack-go reads, or ok:false and Slack's error code:
// invalid_auth, not_authed, not_allowed_token_type, unknown_method,
// channel_not_found, not_in_channel, is_archived, user_not_found,
// user_not_in_channel, message_not_found, no_text, invalid_blocks,
// no_such_subteam, invalid_trigger_id, expired_trigger_id,
// exchanged_trigger_id, push_limit_reached, hash_conflict, not_found,
// invalid_types, invalid_limit, invalid_cursor,
// method_not_supported_for_channel_type. The methods are auth.test,
// chat.postMessage, chat.postEphemeral, chat.update, chat.getPermalink,
// conversations.open, conversations.info, conversations.list,
// conversations.join, conversations.members, users.info,
// usergroups.users.list, views.open, views.push, views.update, views.publish
// and the upload v2 trio (files.getUploadURLExternal, the upload itself,
// files.completeUploadExternal).
//
// conversations.list answers as for a bot token: types (default
// public_channel) picks public channels, the private channels the bot is in
// and its open DMs; exclude_archived, limit (default 100, at most 1000) and a
// cursor with response_metadata.next_cursor, "" on the last page. Every
// channel carries is_member (the bot's) and num_members (the bot counted once
// it has joined). conversations.join adds the bot to a public channel,
// which conversations.info, conversations.list and chat.postMessage then
// see; a second join succeeds with the already_in_channel warning.
// conversations.members lists a public channel's member ids, or a private
// one's the bot is in (channel_not_found otherwise), by id, with the same
// limit and cursor paging. users.info gives a member's locale (User.Locale,
// else Options.Locale, en-US by default) only when asked with
// include_locale=true, as Slack does.
// Every call is recorded without its token (Calls); SetFault and FailNext
// inject 429s with Retry-After, 5xx, ok:false errors and delays. Faults run
// on Options.Clock: a test that gives the bot the same Clock makes an outage
// of a minute (During) or a 5 s delay last that long in its own time, while
// Slack's deadlines (the 3 s ack, trigger_id expiry) stay on the wall clock.
//
// Slash commands and message buttons carry a response_url on this server,
// good for 5 posts in 30 minutes; what is posted there, like what chat.*
// posts, a slash command's ack payload and shared files, becomes a Message
// (Messages, WaitMessage, Subscribe). trigger_ids are valid for 3s and one
// use. Modal stacks and Home tabs are kept per user (OpenViews, HomeView);
// Click, ClickHome, ClickView, SubmitView, CloseView and MessageShortcut
// act as the user would (Post adds a member's own message, with files from
// AddFile, for a shortcut to act on), SubmitView applies the ack's response_action, and CloseView sends
// view_closed when the modal asked for notify_on_close. SeenBy says which
// member sees a message. Render turns Block Kit into terminal text with
// numbered buttons, as the app sent it; a Renderer (Server.Renderer) shows
// what a member sees: names for mentions, mrkdwn formatted, entities
// decoded and every input's initial value.
//
// # Caveats
//
// What is simplified, and where a test could be fooled:
//
//   - One workspace, one app, one bot user. Users who type a command or click
//     are added on the fly with a lower-cased id as their name; AddUser first
//     for a real name and a time zone.
//   - tz_label is the zone's abbreviation ("CET"), not Slack's long name, and
//     tz_offset is the offset now; an unknown zone name gives offset 0.
//   - Redelivery of an event happens as soon as the ack times out and a
//     socket is open, not after Slack's 1 and 5 minute back-off; each retry
//     has a new envelope_id and the same event_id. Event blocks through all
//     retries; Deliver sends once and never retries.
//   - An envelope queued on a socket that dies is simply lost, as in flight;
//     the sim never re-routes it to another socket.
//   - Block Kit is checked only for being an array of typed blocks; Slack's
//     full validation (lengths, element rules, 50-block limits) is not done.
//     Blocks without a block_id get a random one, as Slack does, so
//     Message.Blocks is not byte-for-byte what the bot sent.
//   - chat.update keeps blocks the call omits and replaces the text; updates
//     and response_url replacements are appended to the message log with the
//     original ts rather than editing it in place.
//   - Group DMs (conversations.open with several users), threads beyond a
//     recorded thread_ts, reactions, message history, pagination other than
//     conversations.list's and enterprise grid are not simulated.
//   - conversations.list orders by id and never returns a short page before
//     the end, which Slack may; a limit over 1000 is taken as 1000. Private
//     channels are the ones with "G" ids.
//   - Only buttons can be clicked. SubmitView fills plain_text_input values
//     only; SubmitForm (values.go) also fills static_select,
//     multi_static_select and timepicker inputs in Slack's shapes, and no
//     other element type.
//   - Options.RateLimit applies to chat.postMessage only (a burst of 3, then
//     about 1 per second per channel); other tiers are not enforced unless
//     injected with SetFault.
//   - A response URL answers {"ok":true}; a used-up, expired or unknown one
//     answers 404 with "used_url", "expired_url" or "no_service".
//   - Records grow without bound unless Options.History is set.
//   - Renderer shows emoji as their :names:, a <!date^…> by its fallback
//     text, a datetimepicker in UTC, a user group by its id unless the
//     mention carries a handle, and the first of several styles on a rich
//     text piece; a header is upper-cased, as a terminal has no large type.
package slacksim
