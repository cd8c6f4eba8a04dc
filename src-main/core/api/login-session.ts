// The renderer's view of one PIN login: start it, watch it (`login:state` events), cancel it. The
// token goes straight from plex.tv into the account service and the vault; the view never has it.
import type { AccountView, PinView } from '../../../src-shared/ipc/contract';
import { accountView, type AccountService } from '../account/account-service';
import type { PinInfo, PinLogin } from '../account/pin-login';
import { CancelledError, describeError } from '../errors/errors';
import { getLogger } from '../logging/logger';

const log = getLogger('login');

export interface LoginSessionOptions {
  account: AccountService;
  onState: (view: PinView) => void;
  /** Opens the Auth App URL in the person's browser (desktop app only). */
  openExternal?: (url: string) => Promise<void>;
  pollIntervalMs?: number;
}

function pinView(
  pin: PinInfo | null,
  status: PinView['status'],
  extra: { message?: string | null; account?: AccountView | null } = {},
): PinView {
  return {
    status,
    code: pin?.code ?? null,
    authUrl: pin?.authUrl ?? null,
    expiresAt: pin?.expiresAt ?? null,
    message: extra.message ?? null,
    account: extra.account ?? null,
  };
}

export class LoginSession {
  private flow: PinLogin | null = null;
  private abort: AbortController | null = null;
  private view: PinView | null = null;

  constructor(private readonly opts: LoginSessionOptions) {}

  status(): PinView | null {
    return this.view;
  }

  /** A fresh PIN (any login in progress is cancelled first); polling continues in the background. */
  async start(): Promise<PinView> {
    this.stopFlow();
    const abort = new AbortController();
    const flow = this.opts.account.createPinLogin(
      this.opts.pollIntervalMs !== undefined ? { pollIntervalMs: this.opts.pollIntervalMs } : {},
    );
    this.abort = abort;
    this.flow = flow;
    flow.on((e) => {
      if (this.flow !== flow) return;
      if (e.state === 'waiting') this.set(pinView(e.pin, 'waiting'));
      else if (e.state === 'expired' && !e.renewing)
        this.set(pinView(e.pin, 'expired', { message: 'the code expired before it was approved' }));
    });
    const pin = await flow.start(abort.signal);
    if (this.opts.openExternal) {
      await this.opts
        .openExternal(pin.authUrl)
        .catch((err: unknown) => log.warn('could not open the browser', { error: describeError(err) }));
    }
    void this.complete(flow, abort.signal);
    return this.view ?? pinView(pin, 'waiting');
  }

  cancel(): PinView {
    const pin = this.flow?.pin ?? null;
    const wasWaiting = this.view?.status === 'waiting';
    this.stopFlow();
    if (wasWaiting || !this.view) this.set(pinView(pin, 'cancelled'));
    return this.view ?? pinView(pin, 'cancelled');
  }

  dispose(): void {
    this.stopFlow();
  }

  private async complete(flow: PinLogin, signal: AbortSignal): Promise<void> {
    try {
      const token = await flow.waitForToken(signal);
      const summary = await this.opts.account.completeLogin(token, signal);
      if (this.flow === flow) this.set(pinView(flow.pin, 'linked', { account: accountView(summary) }));
    } catch (err) {
      if (this.flow !== flow) return;
      if (err instanceof CancelledError) this.set(pinView(flow.pin, 'cancelled'));
      else if (this.view?.status !== 'expired')
        this.set(pinView(flow.pin, 'error', { message: describeError(err) }));
      else this.set(pinView(flow.pin, 'expired', { message: describeError(err) }));
    }
  }

  private stopFlow(): void {
    this.abort?.abort();
    this.flow?.cancel();
    this.abort = null;
    this.flow = null;
  }

  private set(view: PinView): void {
    this.view = view;
    this.opts.onState(view);
  }
}
