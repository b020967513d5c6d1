/** Topic ids the knowledge base must hold (from the project's topics list), in French and English. */
export const REQUIRED_TOPICS = [
  'mdu.what', 'mdu.not', 'mdu.services', 'mdu.location', 'mdu.hours', 'mdu.associations', 'mdu.volunteers', 'mdu.professionals',
  'mdu.confidentiality', 'mdu.partners',
  'schedule.permanences', 'schedule.today',
  'peer.support', 'peer.groups', 'peer.gem', 'peer.recovery', 'peer.families',
  'rights.information', 'rights.consent', 'rights.record', 'rights.trusted_person', 'rights.advance_directives', 'rights.complaint',
  'rights.involuntary', 'rights.isolation', 'rights.user_reps', 'rights.confidentiality',
  'help.emergency', 'help.listening', 'bot.about', 'bot.privacy',
] as const;
