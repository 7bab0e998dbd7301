// The host's first page: logs in, then shows the web app in a web-view with the session on its
// URL (`?session=`, read by www/bridge.js; without it when the backend hands none over). Reopened by the pay and scan pages with `?url=` (the
// web app's page with the result in its fragment); any other `url` opens the start page.

import { QUERY, readOption, withSession } from '../../protocol';
import { ensureSession } from '../../session';
import { asHostError } from '../../errors';
import { webAppUrlOr } from '../../web-app';

interface Data {
  /** The web-view's address; empty until the session is there (the web-view is not shown). */
  src: string;
  failed: boolean;
  messageZh: string;
  messageEn: string;
}

interface Custom {
  /** The web app's URL to open, without the session. */
  target: string;
  open(): Promise<void>;
  retry(): void;
}

Page<Data, Custom>({
  data: { src: '', failed: false, messageZh: '', messageEn: '' },
  target: '',

  onLoad(options: Record<string, string | undefined>) {
    this.target = webAppUrlOr(readOption(options[QUERY.url]));
    void this.open();
  },

  async open() {
    this.setData({ failed: false, messageZh: '', messageEn: '' });
    try {
      const session = await ensureSession();
      this.setData({ src: session === null ? this.target : withSession(this.target, session) });
    } catch (e) {
      const err = asHostError(e);
      this.setData({ failed: true, messageZh: err.message_zh, messageEn: err.message_en });
    }
  },

  /** 重试: log in again after a failure. */
  retry() {
    if (this.data.failed) void this.open();
  },
});
