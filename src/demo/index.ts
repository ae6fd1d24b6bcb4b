export * from './plan.js'
export * from './write.js'
