/**
 * The parts of `botbuilder-dialogs` the bot uses, each from its own file. The package's index also
 * loads every prompt and the language recognizers behind them (about 13 MB of live heap for code
 * the bot never runs, a tenth of the deployment's heap). The SDK is pinned and out of support, so
 * these paths do not move; this is the one file that knows them.
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog.js';
export { DialogTurnStatus, type DialogTurnResult } from 'botbuilder-dialogs/lib/dialog.js';
export type { DialogState } from 'botbuilder-dialogs/lib/dialogContext.js';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet.js';
export { TextPrompt } from 'botbuilder-dialogs/lib/prompts/textPrompt.js';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog.js';
export type { WaterfallStepContext } from 'botbuilder-dialogs/lib/waterfallStepContext.js';
