export { createToastStore, type Toast, type ToastInput, type ToastStore, type ToastTone } from './toastStore';
export { ToastProvider, useToastStore, useToasts } from './ToastContext';
export { Toaster } from './Toaster';
