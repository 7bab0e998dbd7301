// The host's pay page, opened by the web app with `?order=…&return=…` (www/bridge.js, payInHost):
// the web-view cannot pay, this native page can. It asks the backend for the WeChat Pay arguments
// (backend.ts; by default config.ts's WECHAT_PAY_PARAMS_PATH), calls wx.requestPayment, and reopens `return` with
// `#payment=success|cancel&order=…`. The web app believes neither: it asks the server for the
// order's status. A failure stays here with 重试 (retry) and 返回 (back, as a cancel).

import { FRAGMENT, QUERY, paymentReturnUrl, readOption, type Outcome } from '../../protocol';
import type { PaymentParams } from '../../api';
import { backend } from '../../backend';
import { signedIn } from '../../session';
import { asHostError, errMsg, hostError, isUserCancel, type HostError } from '../../errors';
import { reopenWebApp, webAppUrlOr } from '../../web-app';

interface Data {
  /** `paying` (the cashier, or the call before it), `failed` (a message and the buttons). */
  state: 'paying' | 'failed';
  /** Whether 重试 is offered: not without an order. */
  canRetry: boolean;
  messageZh: string;
  messageEn: string;
}

interface Custom {
  order: string;
  returnUrl: string;
  /** Set once the page is leaving: a second tap does not reopen the web app twice. */
  leaving: boolean;
  /** WeChat Pay said paid: never offer the cashier again, and 返回 reports a success. */
  paid: boolean;
  pay(): Promise<void>;
  leave(result: Outcome): Promise<void>;
  fail(e: HostError, canRetry: boolean): void;
  retry(): void;
  back(): void;
}

/** `wx.requestPayment` as a promise: resolves when paid, rejects with WeChat's `{ errMsg }`. */
function requestPayment(params: PaymentParams): Promise<void> {
  return new Promise((resolve, reject) => {
    wx.requestPayment({ ...params, success: () => resolve(), fail: reject });
  });
}

Page<Data, Custom>({
  data: { state: 'paying', canRetry: true, messageZh: '', messageEn: '' },
  order: '',
  returnUrl: '',
  leaving: false,
  paid: false,

  onLoad(options: Record<string, string | undefined>) {
    this.returnUrl = webAppUrlOr(readOption(options[QUERY.return]));
    this.order = readOption(options[QUERY.order]) ?? '';
    if (!this.order) {
      this.fail(hostError('host.no_order', '没有要支付的订单，请返回重试。', 'No order to pay: go back and try again.'), false);
      return;
    }
    void this.pay();
  },

  async pay() {
    this.setData({ state: 'paying', messageZh: '', messageEn: '' });
    let params: PaymentParams;
    try {
      params = await signedIn((session) => backend.paymentParams(this.order, session));
    } catch (e) {
      this.fail(asHostError(e), true);
      return;
    }
    try {
      await requestPayment(params);
    } catch (e) {
      if (isUserCancel(e)) {
        await this.leave(FRAGMENT.cancel);
      } else {
        this.fail(hostError('host.pay_failed', '支付未完成，请重试。', `The payment did not go through (${errMsg(e)}); please try again.`), true);
      }
      return;
    }
    this.paid = true;
    await this.leave(FRAGMENT.success);
  },

  async leave(result: Outcome) {
    if (this.leaving) return;
    this.leaving = true;
    try {
      await reopenWebApp(paymentReturnUrl(this.returnUrl, result, this.order));
    } catch (e) {
      this.leaving = false;
      this.fail(asHostError(e), !this.paid && this.data.canRetry);
    }
  },

  fail(e: HostError, canRetry: boolean) {
    this.setData({ state: 'failed', canRetry, messageZh: e.message_zh, messageEn: e.message_en });
  },

  /** 重试: fetch the arguments again and reopen the cashier (never once paid). */
  retry() {
    if (this.data.state === 'failed' && this.data.canRetry && !this.paid && !this.leaving) void this.pay();
  },

  /**
   * 返回: back to the web app, which checks the order's status itself: a cancel (give up this
   * payment), or a success when WeChat Pay already said paid and only the way back failed.
   */
  back() {
    if (this.data.state === 'failed') void this.leave(this.paid ? FRAGMENT.success : FRAGMENT.cancel);
  },
});
