/**
 * The login pages: the ADMIN_TOKEN form (first start) with how to ask the bot for a link, and
 * the one-time link's confirmation page. The link is used by a POST from that page, so a chat
 * app's link preview (a GET) never spends it.
 * @module
 */
import type { AdminText } from '../context.js'

export function LoginPage(props: { t: AdminText; tokenLogin: boolean; error?: string }) {
  const { t } = props
  return (
    <div class="login">
      <p>{t('login.intro')}</p>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      {props.tokenLogin ? (
        <form method="post" action="/admin/login">
          <label>
            {t('login.tokenLabel')}
            <input type="password" name="token" autocomplete="current-password" required />
          </label>
          <p class="muted">{t('login.tokenHint')}</p>
          <button type="submit">{t('login.submit')}</button>
        </form>
      ) : (
        <p class="muted">{t('login.noToken')}</p>
      )}
    </div>
  )
}

export function LinkLoginPage(props: { t: AdminText; token: string }) {
  const { t } = props
  return (
    <div class="login">
      <p>{t('login.linkIntro')}</p>
      <form method="post" action={`/admin/login/${encodeURIComponent(props.token)}`}>
        <button type="submit">{t('login.linkSubmit')}</button>
      </form>
    </div>
  )
}
