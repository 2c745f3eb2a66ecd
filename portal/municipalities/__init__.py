"""Municipality registry: voivodeships, powiats and gminy from GUS TERYT, with population."""
