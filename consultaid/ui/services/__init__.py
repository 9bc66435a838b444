"""What the screens rely on that is not a screen: questions and messages, autosave, the idle lock, the crash
handler, the look, background jobs."""
