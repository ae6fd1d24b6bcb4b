/**
 * @module `npm run chat`: talk to a running kaderbot as a simulated person, in the terminal, over
 * the simulator API (docs/design.md#contracts). A thin shell around `src/chat/`: it reads the
 * options and `PORT` / `ADMIN_TOKEN`, wires stdin and stdout, and sets the exit code (0 at the end
 * of the input or `/keluar`, 1 for a usage error, a missing token or a server that stays down while
 * the input is piped). Piped input is processed line by line, each line waiting for its replies.
 */
import { clearLine, createInterface, cursorTo } from 'node:readline'
import { createSimulatorClient } from './chat/client.js'
import { CHAT_MESSAGES } from './chat/messages.js'
import { parseChatArgs } from './chat/options.js'
import { runChatSession } from './chat/session.js'

/** With piped input nobody can press Ctrl-C in time: give up on a server that stays down. */
const PIPED_GIVE_UP_MS = 30_000

async function main(): Promise<number> {
  // A CLI entry reads its own two variables, like the import CLI.
  // eslint-disable-next-line no-restricted-properties
  const { PORT, ADMIN_TOKEN } = process.env
  const parsed = parseChatArgs(process.argv.slice(2), { PORT, ADMIN_TOKEN })
  if (parsed.kind === 'help') {
    console.log(CHAT_MESSAGES.usage())
    return 0
  }
  if (parsed.kind === 'error') {
    console.error(parsed.message)
    console.error(CHAT_MESSAGES.usage())
    return 1
  }
  const { options } = parsed
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY)
  const rl = createInterface({
    input: process.stdin,
    output: interactive ? process.stdout : undefined,
    terminal: interactive,
    prompt: '> ',
  })
  rl.on('SIGINT', () => rl.close())

  const print = (lines: string[]) => {
    if (!interactive) {
      process.stdout.write(`${lines.join('\n')}\n`)
      return
    }
    // Write above the prompt and redraw it with what the person was typing.
    clearLine(process.stdout, 0)
    cursorTo(process.stdout, 0)
    process.stdout.write(`${lines.join('\n')}\n`)
    rl.prompt(true)
  }

  return runChatSession({
    client: createSimulatorClient({ baseUrl: options.url, token: options.token }),
    io: { lines: rl, print, interactive, close: () => rl.close(), ready: () => rl.prompt() },
    url: options.url,
    from: options.from,
    phone: options.phone,
    transcript: options.transcript,
    giveUpAfterMs: interactive ? undefined : PIPED_GIVE_UP_MS,
  })
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error)
  return 1
})
