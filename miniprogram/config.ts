// Everything the host cannot know by itself, in one place: where the web app and its API live,
// and the one call the sandbox backend does not have. Set these for a deployment (the AppID is
// `appid` in project.config.json); nothing else in the host names a domain or a path of the API.
// A backend that is not an HTTP API of this shape (cloud functions, say) replaces `backend` in
// backend.ts instead.

/**
 * The web app's page that the web-view opens (HTTPS). Its origin must be registered as the
 * mini-program's 业务域名 (web-view business domain), and only URLs on this origin are ever opened
 * (a `return` or `url` elsewhere falls back to this page).
 */
export const WEB_APP_URL = 'https://gradphoto.example.com/';

/**
 * The collection API (`docs/api.yaml`, served by `gradphoto serve` under `/api/v1`). Its origin
 * must be one of the mini-program's request 合法域名.
 */
export const API_BASE = 'https://gradphoto.example.com/api/v1';

/**
 * `POST {API_BASE}{LOGIN_PATH}` with `{ "login": <wx.login code> }` answers `{ "session" }`: the
 * API's `POST /session`, the login hand-off. A real operator's server exchanges the code for the
 * user's openid (code2Session, with the AppSecret, which never reaches the host) and binds the
 * session to it; the sandbox takes the code itself as the identity, so each launch is a new user
 * there. `null`: no hand-off. The web-view opens the web app without `?session=` (it signs in by
 * itself), and the payment call below carries a fresh `wx.login` code instead of a session.
 */
export const LOGIN_PATH: string | null = '/session';

/**
 * `POST {API_BASE}{WECHAT_PAY_PARAMS_PATH}` (`{order}` replaced by the encoded order id) with the
 * session as `Authorization: Bearer` and no body (with LOGIN_PATH `null`: no session, and
 * `{ "login": <wx.login code> }` as the body, for the server to identify the payer); answers the arguments of `wx.requestPayment`:
 * `{ timeStamp, nonceStr, package, signType, paySign }`, all strings, from the operator's WeChat
 * Pay order (JSAPI/小程序下单 with the user's openid, paid to the 商户号 bound to this AppID). NOT
 * part of the sandbox backend or `docs/api.yaml`: the operator provides it, and confirms the
 * payment from WeChat Pay's notification, which is what `GET /orders/{order}` then reports.
 */
export const WECHAT_PAY_PARAMS_PATH = '/orders/{order}/wechat-pay';

/** How long one API call may take before the host says the network failed. */
export const REQUEST_TIMEOUT_MS = 15000;
