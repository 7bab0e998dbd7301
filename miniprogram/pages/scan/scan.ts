// The host's scan page, `?return=…` (protocol.js, scanPageUrl): wx.scanCode (camera or album,
// QR codes only) and back to `return` with `#scan=success&code=…`, or `#scan=cancel` when the user
// cancels. The code (the 图像采集码) is an opaque string: passed on as is, never shown or logged.
// Other failures stay here with 重试 and 返回 (back, as a cancel).
// www/bridge.js does not open this page yet: it scans with the JSSDK's wx.scanQRCode inside the
// web-view, then the camera (README, "Embedding in a WeChat mini-program").

import { QUERY, readOption, scanReturnUrl } from '../../protocol';
import { asHostError, errMsg, hostError, isUserCancel, type HostError } from '../../errors';
import { reopenWebApp, webAppUrlOr } from '../../web-app';

interface Data {
  state: 'scanning' | 'failed';
  messageZh: string;
  messageEn: string;
}

interface Custom {
  returnUrl: string;
  leaving: boolean;
  scan(): Promise<void>;
  leave(code: string | null): Promise<void>;
  fail(e: HostError): void;
  retry(): void;
  back(): void;
}

/** `wx.scanCode` as a promise: the scanned text, or WeChat's `{ errMsg }` as the rejection. */
function scanCode(): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.scanCode({ onlyFromCamera: false, scanType: ['qrCode'], success: (r) => resolve(r.result), fail: reject });
  });
}

Page<Data, Custom>({
  data: { state: 'scanning', messageZh: '', messageEn: '' },
  returnUrl: '',
  leaving: false,

  onLoad(options: Record<string, string | undefined>) {
    this.returnUrl = webAppUrlOr(readOption(options[QUERY.return]));
    void this.scan();
  },

  async scan() {
    this.setData({ state: 'scanning', messageZh: '', messageEn: '' });
    let code: string;
    try {
      code = await scanCode();
    } catch (e) {
      if (isUserCancel(e)) await this.leave(null);
      else this.fail(hostError('qr.host_unavailable', '无法使用微信扫码，请重试或返回。', `The WeChat scanner is unavailable (${errMsg(e)}); try again or go back.`));
      return;
    }
    if (code) await this.leave(code);
    else this.fail(hostError('qr.empty', '没有识别到内容，请重新扫码。', 'Nothing was read from the code; scan again.'));
  },

  async leave(code: string | null) {
    if (this.leaving) return;
    this.leaving = true;
    try {
      await reopenWebApp(scanReturnUrl(this.returnUrl, code));
    } catch (e) {
      this.leaving = false;
      this.fail(asHostError(e));
    }
  },

  fail(e: HostError) {
    this.setData({ state: 'failed', messageZh: e.message_zh, messageEn: e.message_en });
  },

  /** 重试: open the scanner again. */
  retry() {
    if (this.data.state === 'failed' && !this.leaving) void this.scan();
  },

  /** 返回: back to the web app without a code (a cancel). */
  back() {
    if (this.data.state === 'failed') void this.leave(null);
  },
});
