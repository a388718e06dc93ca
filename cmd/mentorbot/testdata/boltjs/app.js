// A Bolt for JavaScript app in Socket Mode that acks every slash command
// with the same fixed text as the benchmark's bare slack-go handler. The
// tokens and the Web API address come from the environment, as for the bot.
// Bolt's Socket Mode receiver opens its connection (apps.connections.open)
// with its own Web API client, which takes its address from
// installerOptions.clientOptions, not from the app's clientOptions: both are
// set so that every call reaches the local Slack.
const { App, LogLevel } = require('@slack/bolt');

const slackApiUrl = process.env.SLACK_API_URL;
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  appToken: process.env.SLACK_APP_TOKEN,
  socketMode: true,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl },
  installerOptions: { clientOptions: { slackApiUrl } },
});

app.command(/.*/, async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'ok' });
});

app.start().then(() => console.log('ready'), (err) => {
  console.error(err);
  process.exit(1);
});
