"""Police data: crime statistics per gmina, the KMZB threat map and GUS BDL powiat figures."""
