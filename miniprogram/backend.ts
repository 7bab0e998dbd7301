// The host's backend behind one interface: the pages call `backend`, never the network. The
// default speaks HTTP to the collection API (api.ts, with the paths in config.ts); an operator
// whose server differs (WeChat cloud functions, another API) puts its own object here and no page
// changes.

import { createSession, fetchPaymentParams, type PaymentParams } from './api';

export interface Backend {
  /** A session to hand to the web app, or null when the web app signs in by itself. */
  createSession(): Promise<string | null>;
  /** The arguments of `wx.requestPayment` for `order`; rejects with a HostError. */
  paymentParams(order: string, session: string | null): Promise<PaymentParams>;
}

export const backend: Backend = {
  createSession,
  paymentParams: fetchPaymentParams,
};
