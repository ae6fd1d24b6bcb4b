import { createFlowRegistry } from '../engine/index.js'
import { kenalan } from './kenalan.js'

/** Every flow the bot runs. Adding a flow: one file, one line here, one locale namespace. */
export const flows = [kenalan]

export const flowRegistry = createFlowRegistry(flows)
