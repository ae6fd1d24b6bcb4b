export { adminRoutes } from './routes.js'
export type { AdminDeps } from './context.js'
