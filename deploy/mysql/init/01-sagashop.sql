-- The databases and the user of the demo shop. The MySQL (or MariaDB)
-- image runs this once, when it initializes an empty data volume; the
-- services create their tables themselves at start (migrations).
-- The credentials match the SAGASHOP_DB_SOURCE DSNs in docker-compose.yml.

CREATE DATABASE IF NOT EXISTS `order` CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS `inventory` CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS `payment` CHARACTER SET utf8mb4;

CREATE USER IF NOT EXISTS 'sagashop'@'%' IDENTIFIED BY 'sagashop';
GRANT ALL PRIVILEGES ON `order`.* TO 'sagashop'@'%';
GRANT ALL PRIVILEGES ON `inventory`.* TO 'sagashop'@'%';
GRANT ALL PRIVILEGES ON `payment`.* TO 'sagashop'@'%';
