/**
 * @module The baseline bot of the outside benchmark: what one would write by hand with grammY,
 * `@grammyjs/conversations` and postgres.js, doing a 6-update visit report with its state in
 * PostgreSQL. Run as its own process (`node --import tsx bench/grammy-bot.ts`), configured by the
 * environment the benchmark gives it: `DATABASE_URL`, `PORT`, `TELEGRAM_BOT_TOKEN`,
 * `TELEGRAM_API_ROOT`, `TELEGRAM_WEBHOOK_SECRET`, `BOT_INFO` (the fake's `getMe` as JSON). It
 * answers `GET /healthz` once ready and stops on SIGTERM.
 *
 * The flow: `/lapor` → the family head's name (looked up in `families`) → the target group → the
 * KB status → the method → `kirim` stores one `grammy_reports` row. One reply per update.
 */
import { createServer } from 'node:http'
import {
  type Conversation,
  type ConversationFlavor,
  conversations,
  createConversation,
} from '@grammyjs/conversations'
import { sequentialize } from '@grammyjs/runner'
import { Bot, type Context, webhookCallback } from 'grammy'
import type { UserFromGetMe } from 'grammy/types'
import postgres from 'postgres'
import { z } from 'zod'
import { GRAMMY_REPLIES } from './grammy-texts.js'

const env = z
  .object({
    DATABASE_URL: z.string().min(1),
    PORT: z.coerce.number().int().positive(),
    TELEGRAM_BOT_TOKEN: z.string().min(1),
    TELEGRAM_API_ROOT: z.url(),
    TELEGRAM_WEBHOOK_SECRET: z.string().min(1),
    BOT_INFO: z.string().min(2),
  })
  .parse(process.env)

const sql = postgres(env.DATABASE_URL, { max: 10, onnotice: () => {} })
await sql`create table if not exists grammy_conversations (key text primary key, state jsonb not null)`
await sql`create table if not exists grammy_reports (
  id bigint generated always as identity primary key, telegram_id bigint not null,
  family_id bigint not null, target text not null, kb_status text not null, kb_method text not null,
  created_at timestamptz not null default now())`

type BotContext = ConversationFlavor<Context>

const bot = new Bot<BotContext>(env.TELEGRAM_BOT_TOKEN, {
  botInfo: JSON.parse(env.BOT_INFO) as UserFromGetMe,
  client: { apiRoot: env.TELEGRAM_API_ROOT },
})

// One update of a chat at a time, as grammY advises when updates are handled concurrently (a
// webhook): a conversation's reply goes out before its state is written, so without this the
// chat's next update could read the state before that write and lose a step.
bot.use(sequentialize((ctx) => ctx.chat?.id.toString()))
bot.use(
  conversations({
    storage: {
      type: 'key',
      adapter: {
        read: async (key: string) => {
          const rows = await sql`select state from grammy_conversations where key = ${key}`
          return rows[0]?.state as never
        },
        write: async (key: string, state: unknown) => {
          await sql`insert into grammy_conversations (key, state) values (${key}, ${sql.json(state as never)})
            on conflict (key) do update set state = excluded.state`
        },
        delete: async (key: string) => {
          await sql`delete from grammy_conversations where key = ${key}`
        },
      },
    },
  })
)

async function report(conversation: Conversation<BotContext, Context>, ctx: Context) {
  await ctx.reply(GRAMMY_REPLIES.askName)
  let family: { id: string } | undefined
  while (!family) {
    const answer = await conversation.waitFor('message:text')
    const name = answer.message.text
    family = await conversation.external(async () => {
      const rows = await sql<{ id: string }[]>`
        select id::text from families where head_name ilike ${`%${name}%`} order by id limit 1`
      return rows[0]
    })
    await answer.reply(family ? GRAMMY_REPLIES.askTarget : GRAMMY_REPLIES.unknownFamily)
  }
  const target = (await conversation.waitFor('message:text')).message.text
  await ctx.api.sendMessage(ctx.chat!.id, GRAMMY_REPLIES.askStatus)
  const status = (await conversation.waitFor('message:text')).message.text
  await ctx.api.sendMessage(ctx.chat!.id, GRAMMY_REPLIES.askMethod)
  const method = (await conversation.waitFor('message:text')).message.text
  await ctx.api.sendMessage(ctx.chat!.id, GRAMMY_REPLIES.confirm)
  await conversation.waitFor('message:text')
  const familyId = family.id
  await conversation.external(
    () => sql`insert into grammy_reports (telegram_id, family_id, target, kb_status, kb_method)
      values (${ctx.from!.id}, ${familyId}, ${target}, ${status}, ${method})`
  )
  await ctx.api.sendMessage(ctx.chat!.id, GRAMMY_REPLIES.saved)
}

bot.use(createConversation(report, 'report'))
bot.command('lapor', (ctx) => ctx.conversation.enter('report'))

const handle = webhookCallback(bot, 'http', { secretToken: env.TELEGRAM_WEBHOOK_SECRET })
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200).end('ok')
    return
  }
  handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500).end()
  })
})
server.listen(env.PORT, '127.0.0.1')
process.on('SIGTERM', () => {
  server.close(() => {
    void sql.end({ timeout: 5 }).then(() => process.exit(0))
  })
})
