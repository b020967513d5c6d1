/**
 * The parts of `botbuilder-dialogs` the bot uses, each from its own file. The package's index also
 * loads every prompt and the language recognizers behind them (about 13 MB of live heap for code
 * the bot never runs, a tenth of the deployment's heap). The SDK is pinned and out of support, so
 * these paths do not move; this is the one file that knows them.
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog.js';
export { DialogTurnStatus, type DialogTurnResult } from 'botbuilder-dialogs/lib/dialog.js';
export type { DialogContext, DialogState } from 'botbuilder-dialogs/lib/dialogContext.js';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet.js';
export { TextPrompt } from 'botbuilder-dialogs/lib/prompts/textPrompt.js';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog.js';
export type { WaterfallStepContext } from 'botbuilder-dialogs/lib/waterfallStepContext.js';

/**
 * Where the first `DialogStateManager` of a turn leaves its configuration (the memory scopes and
 * path resolvers) for the turn's other dialog contexts: botbuilder builds it afresh on every turn
 * that makes a dialog context (a service collection, a zod parse, nine memory scopes), yet nothing
 * in it belongs to a turn (the scopes read the turn's state from the context), so the pipeline
 * builds it once and hands it to each turn under this key, as `DialogManager.stateConfiguration`
 * does. The key is not exported by the package (lib/memory/dialogStateManager.js);
 * tests/bot/dialogs.test.ts checks that the SDK still uses it.
 */
export const DIALOG_STATE_MANAGER_CONFIGURATION = 'DialogStateManagerConfiguration';

