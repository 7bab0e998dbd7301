// The host application. It keeps one thing while it runs: the API session its login produced, so
// that reopening the web-view (after paying or scanning) does not log in again.

/** The host's state shared by its pages (`getApp<HostApp>().globalData`). */
export interface HostApp {
  /** `session`: undefined before the login, null when the backend hands none over. */
  globalData: { session?: string | null };
}

App<HostApp>({
  globalData: {},
});
